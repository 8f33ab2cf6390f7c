// Adaptive load shedding (as go-zero core/load/adaptiveshedder): shed only when both
//   1. the process is hot: the probe (p99 event-loop delay by default) is over its threshold,
//      or a request was shed less than `coolOffMs` ago, so one cool reading amid overload does
//      not open the gates at once; and
//   2. more requests are in flight than the server has shown it can hold, estimated by Little's
//      law from a rolling window as maxPass × minRt × bucketsPerSecond / 1000: the best
//      per-bucket throughput times the best per-bucket average latency.
// Either alone is not enough: a hot loop with few requests in flight is not ours to fix by
// refusing work, and many in flight on a cool loop are being served fine.
import { type Clock, systemClock } from '#kit/clock';
import { errors } from '#kit/errors';
import { RollingWindow } from '#kit/window';
import { EventLoopProbe, type LoadProbe } from './probe.js';
import { type Shedder, type ShedderHandle, overloaded } from './shedder.js';

/** 5 s in 50 buckets of 100 ms: enough history to hold a peak, fine enough to see a 100 ms burst (go-zero's defaults). */
export const DEFAULT_WINDOW_MS = 5_000;
export const DEFAULT_BUCKETS = 50;
/** p99 event-loop delay above 100 ms means every request is already waiting a tenth of a second for the loop. */
export const DEFAULT_THRESHOLD = 100;
/** Keep deciding for 1 s after a drop even if the probe reads cool (go-zero's coolOffDuration). */
export const DEFAULT_COOL_OFF_MS = 1_000;
/** With no latency recorded yet, assume 1 s: a generous estimate until real passes teach a better one (go-zero's defaultMinRt). */
const UNKNOWN_MIN_RT_MS = 1_000;

export interface ShedderOptions {
  /** Default 5000 ms (DEFAULT_WINDOW_MS): how far back passes and latencies count. */
  windowMs?: number;
  /** Default 50 (DEFAULT_BUCKETS): the window is read per bucket; the current bucket is left out as partial. */
  buckets?: number;
  /** Default an EventLoopProbe (p99 loop delay, ms, over the last second), stopped by close(). */
  probe?: LoadProbe;
  /** Default 100 (DEFAULT_THRESHOLD), in the probe's unit: above it the process is hot. */
  threshold?: number;
  /** Default 1000 ms (DEFAULT_COOL_OFF_MS): after a drop, keep checking in-flight this long even if cool. */
  coolOffMs?: number;
  /** Default systemClock (monotonic, for latencies and buckets). Tests pass a ManualClock. */
  clock?: Clock;
}

interface ResolvedShedderOptions {
  windowMs: number;
  buckets: number;
  probe: LoadProbe;
  ownsProbe: boolean;
  threshold: number;
  coolOffMs: number;
  clock: Clock;
}

export function resolveShedderOptions(options: ShedderOptions): ResolvedShedderOptions {
  const windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
  if (!Number.isFinite(windowMs) || windowMs <= 0) throw errors.invalid('windowMs', 'must be a positive number of milliseconds');
  const buckets = options.buckets ?? DEFAULT_BUCKETS;
  // At least two: the current bucket is never read, so one bucket would leave nothing to learn from.
  if (!Number.isInteger(buckets) || buckets < 2) throw errors.invalid('buckets', 'must be an integer of at least 2');
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  if (!Number.isFinite(threshold) || threshold < 0) throw errors.invalid('threshold', 'must be a non-negative number');
  const coolOffMs = options.coolOffMs ?? DEFAULT_COOL_OFF_MS;
  if (!Number.isFinite(coolOffMs) || coolOffMs < 0) throw errors.invalid('coolOffMs', 'must be a non-negative number of milliseconds');
  if (options.probe !== undefined && typeof options.probe?.read !== 'function') throw errors.invalid('probe', 'must have a read() method');
  return Object.freeze({
    windowMs,
    buckets,
    threshold,
    coolOffMs,
    clock: options.clock ?? systemClock,
    probe: options.probe ?? new EventLoopProbe(),
    ownsProbe: options.probe === undefined,
  });
}

export interface ShedderStats {
  inFlight: number;
  /** Most passes in one bucket of the window (at least 1). */
  maxPass: number;
  /** Lowest per-bucket average latency in the window, ms (1000 when nothing is recorded). */
  minRtMs: number;
  /** maxPass × minRt × bucketsPerSecond / 1000, at least 1. */
  maxInFlight: number;
  load: number;
  hot: boolean;
  coolingOff: boolean;
}

class AdaptiveShedder implements Shedder {
  private readonly o: ResolvedShedderOptions;
  /** sum = latency ms, count = passes, per bucket. */
  private readonly passes: RollingWindow;
  private readonly bucketsPerSecond: number;
  private inFlight = 0;
  private lastDrop: number | undefined;

  constructor(options: ShedderOptions) {
    this.o = resolveShedderOptions(options);
    const bucketMs = this.o.windowMs / this.o.buckets;
    this.bucketsPerSecond = 1000 / bucketMs;
    this.passes = new RollingWindow({ size: this.o.buckets, bucketMs, clock: this.o.clock, ignoreCurrent: true });
  }

  allow(): ShedderHandle {
    if (this.shouldDrop()) {
      this.lastDrop = this.o.clock.monotonic();
      throw overloaded();
    }
    this.inFlight++;
    const start = this.o.clock.monotonic();
    let settled = false;
    return {
      pass: () => {
        if (settled) return;
        settled = true;
        this.inFlight--;
        // Whole milliseconds, rounded up: a sub-ms handler would otherwise teach a zero latency
        // and an estimate of one request in flight.
        this.passes.add(Math.ceil(this.o.clock.monotonic() - start));
      },
      fail: () => {
        if (settled) return;
        settled = true;
        this.inFlight--;
      },
    };
  }

  close(): void {
    if (this.o.ownsProbe) (this.o.probe as EventLoopProbe).close();
  }

  stats(): ShedderStats {
    const { maxPass, minRtMs } = this.learned();
    const load = this.o.probe.read();
    return { inFlight: this.inFlight, maxPass, minRtMs, maxInFlight: this.maxInFlight(maxPass, minRtMs), load, hot: load > this.o.threshold, coolingOff: this.coolingOff() };
  }

  private shouldDrop(): boolean {
    if (!(this.o.probe.read() > this.o.threshold || this.coolingOff())) return false;
    const { maxPass, minRtMs } = this.learned();
    return this.inFlight > this.maxInFlight(maxPass, minRtMs);
  }

  private coolingOff(): boolean {
    return this.lastDrop !== undefined && this.o.clock.monotonic() - this.lastDrop < this.o.coolOffMs;
  }

  private learned(): { maxPass: number; minRtMs: number } {
    let maxPass = 1;
    let minRtMs = UNKNOWN_MIN_RT_MS;
    this.passes.reduce((b) => {
      if (b.count > maxPass) maxPass = b.count;
      if (b.count > 0) minRtMs = Math.min(minRtMs, Math.round(b.sum / b.count));
    });
    return { maxPass, minRtMs };
  }

  private maxInFlight(maxPass: number, minRtMs: number): number {
    // Little's law: requests in flight = throughput (maxPass per bucket × buckets per second) × latency (s).
    return Math.max(1, (maxPass * minRtMs * this.bucketsPerSecond) / 1000);
  }
}

export type AdaptiveShedderApi = Shedder & { stats(): ShedderStats };

/** An adaptive load shedder; call close() when done if it created its own probe. */
export function createShedder(options: ShedderOptions = {}): AdaptiveShedderApi {
  return new AdaptiveShedder(options);
}
