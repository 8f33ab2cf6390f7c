// What the chat face is given: a client per service it calls, and from the gateway the broadcast
// that joins its instances, the presence store, the per-user send limit and its settings.
import type { Broadcast } from '#kit/broadcast';
import type { Clock } from '#kit/clock';
import type { Clients } from '#kit/service';
import type { Callers } from '#kit/auth';
import type { chatCalls } from './calls.js';
import type { RoomPresence } from './presence.js';
import type { ChatSocketSettings } from './socket.js';

/** The gateway's side of the chat face (gateway/face.ts FaceContext.chat). */
export interface ChatContext {
  /** Fan-out between gateway instances (in process embedded, core NATS on the servers). */
  readonly broadcast: Broadcast;
  readonly presence: RoomPresence;
  /** One take per message sent, keyed by user (shared across instances on the servers). */
  takeSend(userId: number): Promise<{ allowed: boolean; retryAfterMs: number }>;
  readonly settings: ChatSocketSettings;
  readonly clock: Clock;
}

export interface ChatDeps extends ChatContext {
  readonly clients: Clients<typeof chatCalls>;
  /** Who opens a socket: a token's claims once its account is known to exist. */
  readonly callers: Callers;
}
