// A micro-cache: answers kept for a short, fixed time (a second, say), filled once per key however
// many callers ask at once. For replies whose parts change constantly and are already shown a
// moment late (counts applied in batches), so a hot page is built once per interval instead of
// once per request, the way a proxy's microcache serves anonymous pages. Not for anything a caller
// must read exactly: use the cache-aside Cache for rows.
import { LRUCache } from 'lru-cache';
import { systemClock, type Clock } from '#kit/clock';

export interface MicroCacheOptions {
  /** How long an answer is kept, in ms. 0 turns the cache off: every get fills. */
  ttlMs: number;
  /** Answers kept at most (least recently used go first). Default 10,000. */
  maxEntries?: number;
  clock?: Clock;
}

export interface MicroCache<V extends {}> {
  /**
   * The kept answer for key, or fill()'s. Callers asking while a fill runs share it. A fill that
   * answers undefined (nothing to show, e.g. not found) or rejects keeps nothing.
   */
  get(key: string, fill: () => Promise<V | undefined>): Promise<V | undefined>;
  /** The kept answer for key, if there is one now; never fills. */
  peek(key: string): V | undefined;
  /** Forgets key's answer, and the answer of a fill running now (its callers still get it). */
  drop(key: string): void;
  /**
   * Keeps `next` for key, for a new ttlMs, if key still holds `current` (the answer the caller
   * got): a caller that learned something newer than the kept answer passes it on, and an answer
   * dropped or replaced meanwhile is never brought back.
   */
  replace(key: string, current: V, next: V): void;
}

export function createMicroCache<V extends {}>(o: MicroCacheOptions): MicroCache<V> {
  if (!Number.isSafeInteger(o.ttlMs) || o.ttlMs < 0) throw new RangeError('ttlMs must be a whole number of ms, at least 0');
  const clock = o.clock ?? systemClock;
  // lru-cache reads a start time of 0 as "no TTL", and a ManualClock starts at 0: shift by 1.
  const kept = o.ttlMs === 0 ? undefined : new LRUCache<string, V>({ max: o.maxEntries ?? 10_000, ttl: o.ttlMs, ttlResolution: clock === systemClock ? 1 : 0, perf: { now: () => clock.monotonic() + 1 } });
  const filling = new Map<string, Promise<V | undefined>>();

  return {
    get(key, fill) {
      if (kept === undefined) return fill();
      const hit = kept.get(key);
      if (hit !== undefined) return Promise.resolve(hit);
      const running = filling.get(key);
      if (running !== undefined) return running;
      const p = fill().then(
        (value) => {
          // Dropped meanwhile: the answer may predate the change that dropped it.
          if (filling.get(key) === p) {
            filling.delete(key);
            if (value !== undefined) kept.set(key, value);
          }
          return value;
        },
        (err: unknown) => {
          if (filling.get(key) === p) filling.delete(key);
          throw err;
        },
      );
      filling.set(key, p);
      return p;
    },
    peek: (key) => kept?.get(key),
    drop(key) {
      kept?.delete(key);
      filling.delete(key);
    },
    replace(key, current, next) {
      if (kept !== undefined && kept.get(key) === current) kept.set(key, next);
    },
  };
}
