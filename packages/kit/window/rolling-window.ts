// Rolling window of counters (as go-zero collection/rollingwindow): `size` buckets of
// `bucketMs` each, so the window covers the last size × bucketMs of monotonic time.
// Each bucket remembers which time slot it holds; a bucket whose slot has left the window
// is reset when it is next touched, so there are no timers and an idle window costs nothing.
import { type Clock, systemClock } from '#kit/clock';
import { errors } from '#kit/errors';

/** One bucket's totals: `sum` of the values added, `count` of additions. */
export interface Bucket {
  readonly sum: number;
  readonly count: number;
}

export interface RollingWindowOptions {
  /** Default 40 buckets. More buckets make the window roll off more smoothly; 40 matches the breaker. */
  size?: number;
  /** Default 250 ms per bucket (40 × 250 ms = the breaker's 10 s window). */
  bucketMs?: number;
  /**
   * Default false. When true, reduce() skips the bucket now being filled: a partly filled bucket
   * would read as a low pass count or an unrepresentative latency (the shedder sets it).
   */
  ignoreCurrent?: boolean;
  /** Default systemClock; only `monotonic()` is read. Tests pass a ManualClock. */
  clock?: Clock;
}

interface ResolvedRollingWindowOptions {
  size: number;
  bucketMs: number;
  ignoreCurrent: boolean;
  clock: Clock;
}

export function resolveRollingWindowOptions(options: RollingWindowOptions): ResolvedRollingWindowOptions {
  const size = options.size ?? 40;
  if (!Number.isInteger(size) || size < 1) throw errors.invalid('size', 'must be a positive integer');
  const bucketMs = options.bucketMs ?? 250;
  if (!Number.isFinite(bucketMs) || bucketMs <= 0) throw errors.invalid('bucketMs', 'must be a positive number of milliseconds');
  return Object.freeze({ size, bucketMs, ignoreCurrent: options.ignoreCurrent ?? false, clock: options.clock ?? systemClock });
}

interface Slot {
  sum: number;
  count: number;
  /** Which time slot (bucket-length step since the window began) these totals belong to. */
  slot: number;
}

export class RollingWindow {
  private readonly o: ResolvedRollingWindowOptions;
  private readonly buckets: Slot[];
  /** Buckets are aligned to the window's creation, as go-zero aligns them to its start time. */
  private readonly start: number;

  constructor(options: RollingWindowOptions = {}) {
    this.o = resolveRollingWindowOptions(options);
    this.buckets = Array.from({ length: this.o.size }, () => ({ sum: 0, count: 0, slot: -1 }));
    this.start = this.o.clock.monotonic();
  }

  /** The time the window covers, ms. */
  get spanMs(): number {
    return this.o.size * this.o.bucketMs;
  }

  get size(): number {
    return this.o.size;
  }

  get bucketMs(): number {
    return this.o.bucketMs;
  }

  /** Adds v to the current bucket (sum += v, count += 1). */
  add(v: number): void {
    const slot = this.currentSlot();
    const b = this.buckets[slot % this.o.size]!;
    if (b.slot !== slot) {
      // This array position last held a slot that has since left the window: start it afresh.
      b.sum = 0;
      b.count = 0;
      b.slot = slot;
    }
    b.sum += v;
    b.count += 1;
  }

  /** Calls fn for every bucket still inside the window, oldest first; empty buckets included. */
  reduce(fn: (bucket: Bucket) => void): void {
    const now = this.currentSlot();
    const last = this.o.ignoreCurrent ? now - 1 : now;
    for (let slot = now - this.o.size + 1; slot <= last; slot++) {
      if (slot < 0) continue;
      const b = this.buckets[slot % this.o.size]!;
      if (b.slot === slot) fn(b);
      else {
        // Expired or never filled: reset lazily so a later add() starts from zero too.
        b.sum = 0;
        b.count = 0;
        b.slot = slot;
        fn(b);
      }
    }
  }

  /** Sum and count over every bucket still inside the window. */
  totals(): Bucket {
    let sum = 0;
    let count = 0;
    this.reduce((b) => {
      sum += b.sum;
      count += b.count;
    });
    return { sum, count };
  }

  private currentSlot(): number {
    // A clock that steps back (it should not: monotonic) lands in slot 0 rather than a negative index.
    return Math.max(0, Math.floor((this.o.clock.monotonic() - this.start) / this.o.bucketMs));
  }
}
