// Client-side adaptive throttling, Google SRE book, "Handling Overload": each client counts, over
// a rolling window, the requests it attempted and the ones the backend accepted, and rejects
// locally with probability max(0, (requests − K·accepts) / (requests + 1)). A healthy backend
// (accepts ≈ requests) sees no rejections; a failing one sees most calls stopped at the client,
// while the few let through probe whether it has come back.
import { type Clock, systemClock } from '#kit/clock';
import { errors } from '#kit/errors';
import { RollingWindow } from '#kit/window';
import { type Breaker, type BreakerHandle, type RunOptions, breakerOpen, runWithBreaker } from './breaker.js';

/** Multiplier of accepts: 1.5 lets requests run 50% above accepts before any are throttled (SRE book's K = 2 is laxer; go-zero uses 1.5). */
export const DEFAULT_K = 1.5;
/** Window: 10 s, long enough to see a trend, short enough to recover within seconds (go-zero's default). */
export const DEFAULT_WINDOW_MS = 10_000;
/** 40 buckets of 250 ms, so old outcomes roll off in small steps rather than all at once (go-zero's default). */
export const DEFAULT_BUCKETS = 40;

/** The drop probability for a requests/accepts pair: max(0, (requests − k·accepts) / (requests + 1)). */
export function dropRatio(requests: number, accepts: number, k: number): number {
  return Math.max(0, (requests - k * accepts) / (requests + 1));
}

export interface BreakerOptions {
  /** Default ''. Named in the BreakerOpen error so a caller can tell which dependency is failing. */
  name?: string;
  /** Default 1.5 (DEFAULT_K): lower throttles sooner, higher lets more traffic reach a failing backend. */
  k?: number;
  /** Default 10 000 ms (DEFAULT_WINDOW_MS): how far back outcomes count. */
  windowMs?: number;
  /** Default 40 (DEFAULT_BUCKETS): the window rolls in windowMs / buckets steps. */
  buckets?: number;
  /** Default systemClock (monotonic time for the window). Tests pass a ManualClock. */
  clock?: Clock;
  /** Default Math.random: a call is rejected when random() < the drop ratio. Tests pass a fixed or seeded one. */
  random?: () => number;
}

interface ResolvedBreakerOptions {
  name: string;
  k: number;
  windowMs: number;
  buckets: number;
  clock: Clock;
  random: () => number;
}

export function resolveBreakerOptions(options: BreakerOptions): ResolvedBreakerOptions {
  const k = options.k ?? DEFAULT_K;
  // k < 1 would throttle a backend that accepts every call.
  if (!Number.isFinite(k) || k < 1) throw errors.invalid('k', 'must be a number of at least 1');
  const windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
  if (!Number.isFinite(windowMs) || windowMs <= 0) throw errors.invalid('windowMs', 'must be a positive number of milliseconds');
  const buckets = options.buckets ?? DEFAULT_BUCKETS;
  if (!Number.isInteger(buckets) || buckets < 1) throw errors.invalid('buckets', 'must be a positive integer');
  if (options.random !== undefined && typeof options.random !== 'function') throw errors.invalid('random', 'must be a function returning [0, 1)');
  return Object.freeze({
    name: options.name ?? '',
    k,
    windowMs,
    buckets,
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
  });
}

/** Counts the window as sum = accepts, count = requests (every attempt, throttled ones included). */
class GoogleThrottle implements Breaker {
  readonly name: string;
  private readonly o: ResolvedBreakerOptions;
  private readonly window: RollingWindow;

  constructor(options: BreakerOptions) {
    this.o = resolveBreakerOptions(options);
    this.name = this.o.name;
    this.window = new RollingWindow({ size: this.o.buckets, bucketMs: this.o.windowMs / this.o.buckets, clock: this.o.clock });
  }

  allow(): BreakerHandle {
    const { sum: accepts, count: requests } = this.window.totals();
    const ratio = dropRatio(requests, accepts, this.o.k);
    if (ratio > 0 && this.o.random() < ratio) {
      // A throttled call is still a request: while the backend stays down the ratio keeps climbing.
      this.window.add(0);
      throw breakerOpen(this.name);
    }
    let settled = false;
    // Settling twice would count one call twice; the first outcome wins.
    return {
      accept: () => {
        if (settled) return;
        settled = true;
        this.window.add(1);
      },
      reject: () => {
        if (settled) return;
        settled = true;
        this.window.add(0);
      },
    };
  }

  run<T>(fn: () => Promise<T>, options?: RunOptions<T>): Promise<T> {
    return runWithBreaker(this, fn, options);
  }

  /** Requests and accepts in the window now, for metrics and tests. */
  stats(): { requests: number; accepts: number; dropRatio: number } {
    const { sum: accepts, count: requests } = this.window.totals();
    return { requests, accepts, dropRatio: dropRatio(requests, accepts, this.o.k) };
  }
}

export type GoogleBreaker = Breaker & { stats(): { requests: number; accepts: number; dropRatio: number } };

/** A Google SRE adaptive-throttling breaker. */
export function createBreaker(options: BreakerOptions = {}): GoogleBreaker {
  return new GoogleThrottle(options);
}
