// The socket's heartbeat, spread over its interval. Pinging every connection in one tick sent
// thousands of pings (and queued their pongs) at once every interval: the chat benchmark's p99
// was ten times a bare ws server's in the runs that met the burst. Here each connection joins
// one of `slots` groups, and one group is visited every interval / slots, so each connection is
// still checked once per interval while the work per tick is a slot's share.
import { startEvery, type Clock } from '#kit/clock';

export interface Heartbeat<T> {
  add(conn: T): void;
  delete(conn: T): void;
  /** Every connection held, for the shutdown's close frames. */
  all(): IterableIterator<T>;
  close(): Promise<void>;
}

export interface HeartbeatOptions<T> {
  clock: Clock;
  intervalMs: number;
  /** Groups the interval is split into. Default 16. */
  slots?: number;
  /** One connection's check: ping it, or close it when it did not answer or sits idle. */
  visit(conn: T, now: number): void;
}

export function startHeartbeat<T>(o: HeartbeatOptions<T>): Heartbeat<T> {
  const slots = Array.from({ length: o.slots ?? 16 }, () => new Set<T>());
  const slotOf = new Map<T, Set<T>>();
  let nextSlot = 0;
  let due = 0;
  const job = startEvery({
    clock: o.clock,
    everyMs: o.intervalMs / slots.length,
    run: async () => {
      const slot = slots[due]!;
      due = (due + 1) % slots.length;
      const now = o.clock.now();
      // A copy: visit may close a connection, which deletes it from its slot.
      for (const conn of [...slot]) o.visit(conn, now);
    },
    // visit only pings and closes sockets, which report failures through their own events.
    onError: () => {},
  });
  return {
    add(conn) {
      const slot = slots[nextSlot]!;
      nextSlot = (nextSlot + 1) % slots.length;
      slot.add(conn);
      slotOf.set(conn, slot);
    },
    delete(conn) {
      slotOf.get(conn)?.delete(conn);
      slotOf.delete(conn);
    },
    all: () => slotOf.keys(),
    close: () => job.close(),
  };
}
