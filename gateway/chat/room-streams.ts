// The rooms this gateway instance has members in, each an ordered stream of its messages.
//
// A message is stored by the chat service first (which gives it the room's next seq), then
// published on the room's broadcast subject; every instance, the sender's included, delivers what
// the subject brings. Two instances can publish seq 6 before seq 5 reaches a third, and a core
// NATS subject loses what an instance missed while disconnected, so each stream delivers strictly
// in seq order: a message ahead of the next expected one waits; a gap that is still open after
// `gapWaitMs` (or holds more than `maxPending` messages) is filled from the chat service's
// history, which is the record. Events without a seq (joined, left) pass through as they come.
//
// Payload on the subject: `<seq>\n<frame>` where frame is the server's JSON frame, built once
// by the sender and handed to every member unchanged; seq 0 marks an event. `r<userId>\n` says
// the user was removed from the room: every instance drops that user's members from its stream
// (they receive nothing more of it) and tells each one, which then tells its client. A removal
// travels as the room's messages do, so it reaches every instance that has the room open; one
// that missed it (its broker connection was away) asks the chat service, on resync, whether each
// of its users in a private room still belongs there.
import type { Clock, Timer } from '#kit/clock';

/** What a subject brings: a payload for one room's subject. */
export interface RoomBus {
  publish(subject: string, payload: string): unknown;
  subscribe(subject: string, handler: (payload: string) => void): { unsubscribe(): unknown };
}

/** A sequenced frame as the history answers it. */
export interface SeqFrame {
  seq: number;
  frame: string;
}

/**
 * The chat service's record of a room, as the streams need it, read as `asUser`: one of the
 * room's members here (who may read it), so a private room is read with a member's rights.
 */
export interface RoomHistory {
  /** The room's last seq now (0 before its first message). */
  head(room: number, asUser: number): Promise<number>;
  /** Messages with seq > afterSeq, ascending, as frames; tooFar when more were missed than it answers. */
  since(room: number, afterSeq: number, asUser: number): Promise<{ frames: SeqFrame[]; tooFar: boolean }>;
  /**
   * Whether the user may read the room now: 'open' (a public room: anyone may), 'member' (of a
   * private one), or 'none' (removed, or no such room).
   */
  access(room: number, userId: number): Promise<'open' | 'member' | 'none'>;
}

/** One connection's membership in a room, as the stream sees it. */
export interface StreamMember {
  /** The member's user: the stream reads the room's history with a member's rights. */
  readonly userId: number;
  /**
   * A message in seq order (never one at or below a seq given before), its frame as UTF-8 bytes:
   * encoded once for every member here, not once per socket.
   */
  message(seq: number, frame: Buffer): void;
  /** A frame without a seq (joined, left). */
  event(frame: string): void;
  /** Messages between `afterSeq` and the next delivered were lost for good: reload the room. */
  lost(afterSeq: number): void;
  /** The user was removed from the room: the stream has dropped this member already. */
  removed(): void;
}

export interface RoomStreamsOptions {
  bus: RoomBus;
  history: RoomHistory;
  clock: Clock;
  /** The room's subject, e.g. `chat.room.<id>`. */
  subjectOf(room: number): string;
  /** How long a gap may stay open before the history fills it. Default 200 ms. */
  gapWaitMs?: number;
  /** Messages held behind a gap before the history is asked at once. Default 500. */
  maxPending?: number;
  /** Reports a failed history read (the stream tries again at the next gap). */
  onError?: (err: unknown, room: number) => void;
}

export interface RoomStreams {
  /**
   * Adds the member to the room's stream, opening it (subscription, head) when it is the room's
   * first here. Resolves the seq the member is at: the stream's last delivered one.
   */
  attach(room: number, member: StreamMember): Promise<number>;
  /** Removes the member; the room's stream closes with its last member. */
  detach(room: number, member: StreamMember): void;
  /** Publishes a stored message to every instance, and delivers it to this one's members at once. */
  publishMessage(room: number, seq: number, frame: string): void;
  /** Publishes an event frame (joined, left). */
  publishEvent(room: number, frame: string): void;
  /**
   * Publishes that the user was removed from the room, to every instance, and drops the user's
   * members here at once. Idempotent: an instance without such members does nothing.
   */
  publishRemoval(room: number, userId: number): void;
  /**
   * Checks every open room against the history (after the broadcast lost its connection for a
   * while): first the members of a private room, one user at a time (a removal may have gone by
   * unseen), then the messages missed.
   */
  resync(): void;
  /** Rooms open here and their members (for presence heartbeats and tests). */
  rooms(): ReadonlyMap<number, ReadonlySet<StreamMember>>;
  close(): void;
}

interface Stream {
  readonly members: Set<StreamMember>;
  /** The highest seq delivered in order; undefined until the head is read. */
  last: number | undefined;
  readonly pending: Map<number, string>;
  ready: Promise<void>;
  gapTimer: Timer | undefined;
  filling: boolean;
  unsubscribe(): void;
}

export function createRoomStreams(o: RoomStreamsOptions): RoomStreams {
  const gapWaitMs = o.gapWaitMs ?? 200;
  const maxPending = o.maxPending ?? 500;
  const streams = new Map<number, Stream>();
  const members = new Map<number, Set<StreamMember>>();

  const deliver = (s: Stream, seq: number, frame: string) => {
    s.last = seq;
    const bytes = Buffer.from(frame);
    for (const m of s.members) m.message(seq, bytes);
  };

  /** Delivers every pending message that follows on; arms or disarms the gap timer. */
  const drain = (room: number, s: Stream) => {
    for (;;) {
      const next = s.pending.get(s.last! + 1);
      if (next === undefined) break;
      s.pending.delete(s.last! + 1);
      deliver(s, s.last! + 1, next);
    }
    for (const seq of s.pending.keys()) if (seq <= s.last!) s.pending.delete(seq);
    if (s.pending.size === 0) {
      s.gapTimer?.cancel();
      s.gapTimer = undefined;
    } else if (s.pending.size > maxPending) {
      void fill(room, s);
    } else {
      s.gapTimer ??= o.clock.after(gapWaitMs, () => {
        s.gapTimer = undefined;
        void fill(room, s);
      });
    }
  };

  /** Reads what the gap holds from the history, delivers it and what was waiting behind it. */
  const fill = async (room: number, s: Stream) => {
    const reader = s.members.values().next().value;
    if (s.filling || s.last === undefined || reader === undefined) return;
    s.filling = true;
    s.gapTimer?.cancel();
    s.gapTimer = undefined;
    try {
      const from = s.last;
      const { frames, tooFar } = await o.history.since(room, from, reader.userId);
      if (streams.get(room) !== s) return;
      if (tooFar) {
        // More was missed than the history answers: members are told, the stream moves on to
        // what it holds, or to the room's head.
        const resume = s.pending.size > 0 ? Math.min(...s.pending.keys()) - 1 : await o.history.head(room, reader.userId);
        if (streams.get(room) !== s) return;
        for (const m of s.members) m.lost(s.last);
        s.last = Math.max(s.last, resume);
      }
      for (const f of frames) if (f.seq > s.last) deliver(s, f.seq, f.frame);
    } catch (err) {
      o.onError?.(err, room);
    } finally {
      s.filling = false;
    }
    if (streams.get(room) === s) drain(room, s);
  };

  /** Drops the user's members from the stream, then tells each (it may leave other rooms meanwhile). */
  const remove = (room: number, s: Stream, userId: number) => {
    const gone = [...s.members].filter((m) => m.userId === userId);
    for (const m of gone) s.members.delete(m);
    if (s.members.size === 0) close(room, s);
    for (const m of gone) m.removed();
  };

  /** Removes the users of the room's stream who may no longer read it; stops at the first answer 'open'. */
  const recheck = async (room: number, s: Stream) => {
    for (const userId of new Set([...s.members].map((m) => m.userId))) {
      let access;
      try {
        access = await o.history.access(room, userId);
      } catch (err) {
        // The next resync asks again; until then the user stays, as before the broker was lost.
        o.onError?.(err, room);
        return;
      }
      if (streams.get(room) !== s || access === 'open') return;
      if (access === 'none') remove(room, s, userId);
    }
  };

  const onPayload = (room: number, s: Stream, payload: string) => {
    const cut = payload.indexOf('\n');
    if (payload.startsWith('r')) return remove(room, s, Number(payload.slice(1, cut)));
    const seq = Number(payload.slice(0, cut));
    const frame = payload.slice(cut + 1);
    if (seq === 0) {
      for (const m of s.members) m.event(frame);
      return;
    }
    accept(room, s, seq, frame);
  };

  /** A sequenced message into the stream: delivered when next, held when ahead, dropped when seen. */
  const accept = (room: number, s: Stream, seq: number, frame: string) => {
    if (s.last === undefined) {
      s.pending.set(seq, frame);
      return;
    }
    if (seq <= s.last) return;
    if (seq === s.last + 1) deliver(s, seq, frame);
    else s.pending.set(seq, frame);
    drain(room, s);
  };

  const open = (room: number, asUser: number): Stream => {
    const s: Stream = { members: new Set(), last: undefined, pending: new Map(), ready: Promise.resolve(), gapTimer: undefined, filling: false, unsubscribe: () => {} };
    // Subscribed before the head is read: nothing published after the read can be missed.
    const sub = o.bus.subscribe(o.subjectOf(room), (payload) => onPayload(room, s, payload));
    s.unsubscribe = () => void sub.unsubscribe();
    s.ready = o.history.head(room, asUser).then(
      (head) => {
        if (streams.get(room) !== s) return;
        s.last = head;
        drain(room, s);
      },
      (err: unknown) => {
        // The stream cannot order without its head: close it, the member's join fails.
        close(room, s);
        throw err;
      },
    );
    streams.set(room, s);
    members.set(room, s.members);
    return s;
  };

  const close = (room: number, s: Stream) => {
    if (streams.get(room) !== s) return;
    s.gapTimer?.cancel();
    s.unsubscribe();
    streams.delete(room);
    members.delete(room);
  };

  const publish = (room: number, seq: number, frame: string) => void o.bus.publish(o.subjectOf(room), `${seq}\n${frame}`);

  return {
    async attach(room, member) {
      const s = streams.get(room) ?? open(room, member.userId);
      s.members.add(member);
      try {
        await s.ready;
      } catch (err) {
        s.members.delete(member);
        throw err;
      }
      return s.last!;
    },
    detach(room, member) {
      const s = streams.get(room);
      if (!s) return;
      s.members.delete(member);
      if (s.members.size === 0) close(room, s);
    },
    publishMessage(room, seq, frame) {
      publish(room, seq, frame);
      // This instance's members need not wait for the broadcast's own copy (handed over in a
      // microtask): delivered now, that copy is then a seq already seen and dropped.
      const s = streams.get(room);
      if (s) accept(room, s, seq, frame);
    },
    publishEvent: (room, frame) => publish(room, 0, frame),
    publishRemoval(room, userId) {
      o.bus.publish(o.subjectOf(room), `r${userId}\n`);
      // As for a message: this instance's members need not wait for the broadcast's copy, which then finds none.
      const s = streams.get(room);
      if (s) remove(room, s, userId);
    },
    rooms: () => members,
    resync() {
      // Members first: the history is read as one of them, who must still be one.
      for (const [room, s] of streams) void recheck(room, s).finally(() => fill(room, s));
    },
    close() {
      for (const [room, s] of [...streams]) close(room, s);
    },
  };
}
