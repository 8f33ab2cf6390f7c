// One WebSocket connection's chat: the rooms it joined, its frames handled one at a time in the
// order they came, its sends limited per user, and every frame it is sent passed through
// `out`, which refuses (and the socket route closes the connection) once the client reads too
// slowly. Transport-free: the socket route (socket.ts) gives it `out` and `close`.
//
// Joining a room: the room's stream is attached first (so nothing published from then on is
// missed), then, with since_seq, what the client missed is read from the chat service page by
// page and sent before the live messages that arrived meanwhile, each exactly once, in seq order.
//
// Removal from a private room (RemoveMember, on any gateway) reaches the room's stream here, which
// stops delivering to the user's connections at once; the session then, after the frame it is
// handling, forgets the room, tells its client `left` with reason "removed", and leaves presence.
import { Code, SurgeError } from '#kit/errors';
import type { Client } from '#kit/rpc';
import type { ChatServiceDefinition } from '#gen/surge/chat/v1/chat';
import { authorOf, messageFrame, type Authors } from './authors.js';
import { frames, reloadError, type Author, type ClientFrame } from './frames.js';
import type { RoomPresence } from './presence.js';
import type { RoomStreams, StreamMember } from './room-streams.js';

export interface SessionDeps {
  readonly user: Author;
  /** This connection's id, unique across instances (presence counts connections, shows users). */
  readonly connId: string;
  readonly chat: Client<typeof ChatServiceDefinition>;
  readonly streams: RoomStreams;
  readonly presence: RoomPresence;
  /** Authors of messages read back from the history, by user id. */
  readonly authors: Authors;
  /** Resolves whether this user may send now (chatSocket.sendsPerSecond, per user across instances). */
  takeSend(): Promise<{ allowed: boolean; retryAfterMs: number }>;
  readonly maxRooms: number;
  /** "joined"/"left" are published while the room has at most this many users online, the user included (chatSocket.joinEventsMaxOnline). */
  readonly joinEventsMaxOnline: number;
  /** Sends a text frame (a string, or its UTF-8 bytes); false once the connection is being closed (a slow reader). */
  out(frame: string | Buffer): boolean;
}

export interface Session {
  /** Handles one parsed frame after those before it. */
  handle(frame: ClientFrame): void;
  /** Leaves every room (the connection closed). */
  end(): Promise<void>;
  readonly rooms: ReadonlySet<number>;
}

/** The chat service names a room `room_id`; a frame names it `room`. */
function asFrameError(e: SurgeError): SurgeError {
  if (e.details?.field !== 'room_id') return e;
  return new SurgeError(e.code, e.message.replace(/^room_id\b/, 'room'), { details: { ...e.details, field: 'room' } });
}

/** Frames waiting behind the one being handled; past this the client is flooding. */
export const MAX_QUEUED_FRAMES = 64;

interface Joined {
  member: StreamMember;
}

export function createSession(d: SessionDeps): Session & { queued(): number } {
  const joined = new Map<number, Joined>();
  let queue: Promise<void> = Promise.resolve();
  let queued = 0;
  let ended = false;

  const fail = (err: unknown, about: { room?: number; clientMsgId?: string; reload?: boolean } = {}) => {
    d.out(frames.error(asFrameError(SurgeError.from(err)), about));
  };

  async function join(room: number, sinceSeq: number | undefined, epoch: string | undefined): Promise<void> {
    if (joined.has(room)) throw new SurgeError(Code.FailedPrecondition, `room ${room}: already joined on this connection; leave it first`, { details: { field: 'room' } });
    if (joined.size >= d.maxRooms) throw new SurgeError(Code.RateLimited, `room: a connection may be in at most ${d.maxRooms} rooms`, { details: { field: 'room' } });
    // Access first: a private room the caller is not in reads as missing.
    let info = await d.chat.getRoom({ userId: d.user.id, roomId: room });
    let last = 0;
    let wasRemoved = false;
    // Live messages wait until the joined frame and any recovery have gone out, then follow them.
    let holding = true;
    const held: [number, Buffer][] = [];
    const member: StreamMember = {
      userId: d.user.id,
      message(seq, frame) {
        if (holding) held.push([seq, frame]);
        else if (seq > last) {
          last = seq;
          d.out(frame);
        }
      },
      event: (frame) => void d.out(frame),
      lost(afterSeq) {
        d.out(frames.error(reloadError(room, afterSeq), { room, reload: true }));
      },
      removed() {
        wasRemoved = true;
        // After the frame being handled (this join, maybe): never in the middle of it.
        queue = queue.then(() => evicted(room, member)).catch(() => {});
      },
    };
    joined.set(room, { member });
    let head: number;
    try {
      head = await d.streams.attach(room, member);
    } catch (err) {
      joined.delete(room);
      throw err;
    }
    if (ended || joined.get(room)?.member !== member) return d.streams.detach(room, member);
    if (info.private) {
      // A removal published between the access check and the attach went by before this
      // instance listened: asked again now that it does, anything later reaches `removed`.
      try {
        info = await d.chat.getRoom({ userId: d.user.id, roomId: room });
      } catch (err) {
        joined.delete(room);
        d.streams.detach(room, member);
        throw err;
      }
    }
    if (wasRemoved) {
      // The stream dropped the member already; the join is refused as any non-member's.
      joined.delete(room);
      throw new SurgeError(Code.NotFound, 'room: no such room', { details: { field: 'room', resource: 'room' } });
    }
    last = sinceSeq ?? head;
    d.out(JSON.stringify({ type: 'joined', room, user: d.user, last_seq: head, epoch: info.epoch }));
    if (sinceSeq !== undefined) {
      if (epoch !== undefined && epoch !== info.epoch) {
        // Seqs of another history: whatever the numbers, none of them can be trusted here.
        d.out(frames.error(reloadError(room, sinceSeq), { room, reload: true }));
        last = head;
      } else {
        try {
          last = await recover(room, sinceSeq, epoch ?? '', head);
        } catch (err) {
          // What was missed could not be read: the client must reload rather than skip it unknowingly.
          fail(err, { room, reload: true });
          last = head;
        }
      }
    }
    holding = false;
    for (const [seq, frame] of held) {
      if (seq > last) {
        last = seq;
        d.out(frame);
      }
    }
    held.length = 0;
    // Presence is told after the join stands: a presence store that is down costs the room's
    // online list (an error frame says so), not the membership.
    try {
      const { cameOnline } = await d.presence.join(room, d.connId, d.user);
      const online = await d.presence.online(room);
      if (cameOnline && online.count <= d.joinEventsMaxOnline) d.streams.publishEvent(room, frames.joined(room, d.user));
      d.out(frames.presence(room, online.users, online.count));
    } catch (err) {
      fail(err, { room });
    }
  }

  /**
   * Sends what the client missed after sinceSeq up to at least head; resolves the last seq sent.
   * Seqs of another epoch (or past the room's head) belong to another history: reload.
   */
  async function recover(room: number, sinceSeq: number, epoch: string, head: number): Promise<number> {
    let from = sinceSeq;
    if (from > head) {
      d.out(frames.error(reloadError(room, sinceSeq), { room, reload: true }));
      return head;
    }
    while (from < head) {
      const page = await d.chat.since({ userId: d.user.id, roomId: room, sinceSeq: from, epoch, limit: 100 });
      if (page.tooFar) {
        d.out(frames.error(reloadError(room, sinceSeq), { room, reload: true }));
        return head;
      }
      if (page.messages.length === 0) break;
      const who = await d.authors(page.messages.map((m) => m.userId));
      for (const m of page.messages) {
        if (m.seq <= from) continue;
        d.out(messageFrame(m, authorOf(who, m.userId)));
        from = m.seq;
      }
    }
    return from;
  }

  async function leave(room: number): Promise<void> {
    const j = joined.get(room);
    if (!j) throw new SurgeError(Code.FailedPrecondition, `room ${room}: not joined on this connection`, { details: { field: 'room' } });
    joined.delete(room);
    d.streams.detach(room, j.member);
    d.out(frames.left(room, d.user));
    await gone(room);
  }

  /** The user was removed from the room (the stream dropped the member): the client is told, presence too. */
  async function evicted(room: number, member: StreamMember): Promise<void> {
    // Left already, or the removal cut a join short (that join answered an error).
    if (joined.get(room)?.member !== member) return;
    joined.delete(room);
    d.out(frames.removed(room, d.user));
    // Unreachable presence: the entry expires after its TTL instead.
    await gone(room).catch(() => {});
  }

  /** Tells presence the connection left the room, and the room when it was the user's last. */
  async function gone(room: number): Promise<void> {
    const { wentOffline } = await d.presence.leave(room, d.connId);
    // Counted as the join was: with the leaving user, so a room announces a user's leave only if it would have announced the join.
    if (wentOffline && d.joinEventsMaxOnline > 0 && (await d.presence.count(room)) + 1 <= d.joinEventsMaxOnline) d.streams.publishEvent(room, frames.left(room, d.user));
  }

  async function send(room: number, content: string, clientMsgId: string): Promise<void> {
    if (!joined.has(room)) throw new SurgeError(Code.FailedPrecondition, `room ${room}: join the room before sending to it`, { details: { field: 'room' } });
    const take = await d.takeSend();
    if (!take.allowed) throw new SurgeError(Code.RateLimited, `too many messages: retry after ${take.retryAfterMs} ms`, { details: { retryAfter: Math.ceil(take.retryAfterMs / 1000) } });
    const { message, replayed } = await d.chat.send({ userId: d.user.id, roomId: room, content, clientMsgId });
    if (!message) throw new SurgeError(Code.Internal, 'the chat service answered no message');
    // A replay was published when it was first stored: the client only lost its ack.
    if (!replayed) d.streams.publishMessage(room, message.seq, messageFrame(message, d.user));
    d.out(frames.ack(clientMsgId, message.seq, room));
  }

  function run(frame: ClientFrame): Promise<void> {
    switch (frame.type) {
      case 'ping':
        d.out(frames.pong());
        return Promise.resolve();
      case 'join':
        return join(frame.room, frame.sinceSeq, frame.epoch).catch((err: unknown) => fail(err, { room: frame.room }));
      case 'leave':
        return leave(frame.room).catch((err: unknown) => fail(err, { room: frame.room }));
      case 'send':
        return send(frame.room, frame.content, frame.clientMsgId).catch((err: unknown) => fail(err, { room: frame.room, clientMsgId: frame.clientMsgId }));
    }
  }

  return {
    get rooms() {
      return new Set(joined.keys());
    },
    queued: () => queued,
    handle(frame) {
      if (ended) return;
      queued++;
      queue = queue.then(() => run(frame)).finally(() => void queued--);
    },
    async end() {
      ended = true;
      await queue.catch(() => {});
      const rooms = [...joined.entries()];
      joined.clear();
      for (const [room, j] of rooms) {
        d.streams.detach(room, j.member);
        // Unreachable presence: the entry expires after its TTL instead.
        await gone(room).catch(() => {});
      }
    },
  };
}
