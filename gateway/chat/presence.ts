// Who is online in a room, as the chat face needs it: connections join and leave, users are
// shown once however many connections they have. Kept by #kit/presence (in process embedded, in
// Redis on the servers), whose entries expire unless the instance holding them refreshes them,
// so an instance that dies leaves no one behind for longer than the presence TTL.
import type { Author } from './frames.js';

export interface RoomPresence {
  join(room: number, connId: string, user: Author): Promise<void>;
  leave(room: number, connId: string): Promise<void>;
  /** Distinct users online (at most a page of them) and their count. */
  online(room: number): Promise<{ users: Author[]; count: number }>;
}
