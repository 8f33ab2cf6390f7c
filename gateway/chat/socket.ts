// GET /api/v1/chat/ws: the chat room's WebSocket. Before the upgrade, as plain HTTP: the token
// (the Sec-WebSocket-Protocol offer `surge-chat, bearer.<token>`, or ?token=), the Origin (a
// browser page of another site may not open a socket with its visitor's token), and the user's
// connections on this instance. After it: text frames only, each bounded by maxPayload, parsed and
// handled in order by the connection's session; a ping from the server once per interval (spread
// over it: heartbeat.ts), and a connection that did not answer the previous one is dropped; a
// client that reads too slowly (its unsent bytes past maxBufferedBytes) is closed with 4008
// instead of growing this process's memory.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import websocket from '@fastify/websocket';
import type { WebSocket } from 'ws';
import type { Clock } from '#kit/clock';
import { Code, SurgeError } from '#kit/errors';
import type { Client } from '#kit/rpc';
import type { ChatServiceDefinition } from '#gen/surge/chat/v1/chat';
import type { UserServiceDefinition } from '#gen/surge/user/v1/user';
import type { Callers } from '#kit/auth';
import { loggableUrl } from '../plugins/log-url.js';
import { aboutFrame, frames, parseClientFrame, type Author } from './frames.js';
import type { Authors } from './authors.js';
import type { RoomPresence } from './presence.js';
import type { RoomStreams } from './room-streams.js';
import { startHeartbeat } from './heartbeat.js';
import { createSession, MAX_QUEUED_FRAMES, type Session } from './session.js';

/** The close codes the socket uses (docs/api/chat.md). */
export const CLOSE = { idle: 4000, tokenExpired: 4001, slow: 4008, flooding: 4029, goingAway: 1001 } as const;

/** How long a slow reader's close may wait behind its unread frames before the socket is cut. */
const SLOW_CLOSE_GRACE_MS = 1000;

/** The sub-protocol a client offers (with `bearer.<token>`) and the server answers. */
export const CHAT_PROTOCOL = 'surge-chat';

export interface ChatSocketSettings {
  maxConnectionsPerUser: number;
  maxRoomsPerConnection: number;
  /** chatSocket.joinEventsMaxOnline. */
  joinEventsMaxOnline: number;
  maxFrameBytes: number;
  maxMessageChars: number;
  maxBufferedBytes: number;
  pingIntervalMs: number;
  /** A connection in no room for this long is closed. */
  idleTimeoutMs: number;
  /** Origins besides the page's own host that may open a socket ('*' for any). */
  allowedOrigins: readonly string[];
}

export interface ChatSocketDeps {
  readonly callers: Callers;
  readonly chat: Client<typeof ChatServiceDefinition>;
  readonly users: Client<typeof UserServiceDefinition>;
  readonly authors: Authors;
  readonly streams: RoomStreams;
  readonly presence: RoomPresence;
  takeSend(userId: number): Promise<{ allowed: boolean; retryAfterMs: number }>;
  readonly settings: ChatSocketSettings;
  readonly clock: Clock;
}

interface Live {
  socket: WebSocket;
  out(frame: string | Buffer): boolean;
  session: Session & { queued(): number };
  userId: number;
  alive: boolean;
  lastActive: number;
  /** When the token the socket was opened with expires (ms since the epoch): the socket closes then. */
  expiresAt: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    chatUserId?: number;
    chatTokenExpiresAt?: number;
  }
}

export async function chatSocketRoute(app: FastifyInstance, d: ChatSocketDeps): Promise<void> {
  const s = d.settings;
  const instance = randomBytes(6).toString('hex');
  let nextConn = 0;
  const perUser = new Map<number, number>();

  await app.register(websocket, {
    options: {
      maxPayload: s.maxFrameBytes,
      // The client must offer surge-chat beside its bearer token: a browser refuses a socket whose
      // server picked none of the protocols it offered.
      handleProtocols: (offered: Set<string>) => (offered.has(CHAT_PROTOCOL) ? CHAT_PROTOCOL : false),
    },
  });

  const heartbeat = startHeartbeat<Live>({
    clock: d.clock,
    intervalMs: s.pingIntervalMs,
    visit(c, now) {
      if (!c.alive) return void c.socket.terminate();
      // The token was checked once, at the upgrade: a socket outlives it by one ping interval at most.
      if (now >= c.expiresAt) return void c.socket.close(CLOSE.tokenExpired, 'token expired: reconnect with a fresh token');
      if (c.session.rooms.size === 0 && now - c.lastActive > s.idleTimeoutMs) return void c.socket.close(CLOSE.idle, 'idle: no room joined');
      c.alive = false;
      c.socket.ping();
    },
  });
  app.addHook('onClose', async () => {
    await heartbeat.close();
    for (const c of [...heartbeat.all()]) c.socket.close(CLOSE.goingAway, 'server shutting down');
  });

  app.get('/ws', {
    schema: { tags: ['chat'], summary: 'The chat WebSocket (frames in docs/api/chat.md)', hide: true },
    preValidation: async (request: FastifyRequest) => {
      checkOrigin(request, s.allowedOrigins);
      const claims = await d.callers.check(tokenOf(request));
      const userId = claims.sub;
      if ((perUser.get(userId) ?? 0) >= s.maxConnectionsPerUser) {
        throw new SurgeError(Code.RateLimited, `a user may hold at most ${s.maxConnectionsPerUser} chat connections on one server`, { details: { retryAfter: 5 } });
      }
      request.chatUserId = userId;
      request.chatTokenExpiresAt = claims.exp === undefined ? Infinity : claims.exp * 1000;
    },
    websocket: true,
  }, (socket: WebSocket, request: FastifyRequest) => {
      const userId = request.chatUserId!;
      const opened = performance.now();
      perUser.set(userId, (perUser.get(userId) ?? 0) + 1);
      const pending: string[] = [];
      let closing = false;
      const out = (frame: string | Buffer): boolean => {
        if (closing || socket.readyState !== socket.OPEN) return false;
        if (socket.bufferedAmount > s.maxBufferedBytes) {
          closing = true;
          socket.close(CLOSE.slow, 'slow consumer: messages were not read in time');
          // The close frame waits behind what the client did not read: a client that reads again
          // gets it, one that does not is cut off instead of holding its buffer until the close times out.
          d.clock.after(SLOW_CLOSE_GRACE_MS, () => socket.terminate());
          return false;
        }
        // A message's bytes are shared by every member's socket: sent as text, without a copy.
        socket.send(frame, { binary: false });
        return true;
      };
      let c: Live | undefined;
      // Frames that arrive while the user's profile is read are kept, in order.
      socket.on('message', (data, isBinary) => {
        if (!c) {
          if (pending.length >= MAX_QUEUED_FRAMES) return void socket.close(CLOSE.flooding, 'too many frames in flight');
          return void pending.push(isBinary ? '' : data.toString());
        }
        receive(c, isBinary ? '' : data.toString());
      });
      socket.on('pong', () => {
        if (c) c.alive = true;
      });
      socket.on('close', (code: number) => {
        // The upgrade's access-log line, written at the end: onResponse never sees a socket.
        app.accessLog({ reqId: String(request.id), method: request.method, route: request.routeOptions.url ?? request.url, url: loggableUrl(request.url), status: 101, ms: Math.round((performance.now() - opened) * 100) / 100, user: userId, close: code });
        closing = true;
        perUser.set(userId, (perUser.get(userId) ?? 1) - 1);
        if (perUser.get(userId) === 0) perUser.delete(userId);
        if (c) {
          heartbeat.delete(c);
          void c.session.end();
        }
      });
      void d.users.getUser({ id: userId }).then(
        (u) => {
          if (closing) return;
          const user: Author = { id: u.id, name: u.name, avatar: u.avatar };
          const session = createSession({
            user,
            connId: `${instance}-${++nextConn}`,
            chat: d.chat,
            streams: d.streams,
            presence: d.presence,
            authors: d.authors,
            takeSend: () => d.takeSend(userId),
            maxRooms: s.maxRoomsPerConnection,
            joinEventsMaxOnline: s.joinEventsMaxOnline,
            out,
          });
          c = { socket, out, session, userId, alive: true, lastActive: d.clock.now(), expiresAt: request.chatTokenExpiresAt ?? Infinity };
          heartbeat.add(c);
          for (const text of pending.splice(0)) receive(c, text);
        },
        () => socket.close(1011, 'the user service did not answer; reconnect'),
      );
  });

  function receive(c: Live, text: string): void {
    c.lastActive = d.clock.now();
    c.alive = true;
    if (c.session.queued() >= MAX_QUEUED_FRAMES) return void c.socket.close(CLOSE.flooding, 'too many frames in flight');
    let frame;
    try {
      if (text === '') throw new SurgeError(Code.InvalidArgument, 'frame: must be a text frame of JSON', { details: { field: 'frame' } });
      frame = parseClientFrame(text, { maxMessageChars: s.maxMessageChars });
    } catch (err) {
      // Through out(): a client that sends bad frames and reads nothing is a slow reader too.
      c.out(frames.error(SurgeError.from(err), aboutFrame(text)));
      return;
    }
    c.session.handle(frame);
  }
}

/** The token from `Sec-WebSocket-Protocol: surge-chat, bearer.<token>` or from ?token=. */
function tokenOf(request: FastifyRequest): string {
  const offered = request.headers['sec-websocket-protocol'];
  if (typeof offered === 'string') {
    for (const p of offered.split(',')) {
      const v = p.trim();
      if (v.startsWith('bearer.')) return v.slice('bearer.'.length);
    }
  }
  const q = (request.query as Record<string, unknown> | undefined)?.token;
  if (typeof q === 'string' && q !== '') return q;
  throw new SurgeError(Code.Unauthenticated, 'token: missing; offer "Sec-WebSocket-Protocol: surge-chat, bearer.<token>" or add ?token=<token>', { details: { field: 'token' } });
}

/** A browser's Origin must be this host's own or one allowed; clients that send none are not browsers. */
function checkOrigin(request: FastifyRequest, allowed: readonly string[]): void {
  const origin = request.headers.origin;
  if (origin === undefined || allowed.includes('*') || allowed.includes(origin)) return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    host = '';
  }
  if (host !== '' && host === request.headers.host) return;
  throw new SurgeError(Code.PermissionDenied, `Origin: ${JSON.stringify(origin.slice(0, 100))} may not open a chat socket here`, { details: { field: 'Origin' } });
}
