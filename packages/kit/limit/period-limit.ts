// Period limit (as go-zero core/limit/periodlimit): at most `quota` takes per key per period,
// counted by one atomic increment of a counter that expires with the period. The period
// starts at a key's first take, or, with `align`, at fixed boundaries ("10 codes per mobile
// per day" resets at midnight). The take that reaches the quota is told so (hit-quota), so a
// caller can warn before the next one is refused.
//
// On a Redis failure, a Redis store made by createRedisLimitStore falls back to an in-process
// store and probes Redis to switch back (failover.ts), as the token bucket does. For a period
// limit that means each process counts from zero during the outage, so a key may get up to
// quota × processes in that period. We accept that over the alternatives: refusing every take
// would stop sign-ups and logins for the length of a Redis outage, and allowing every take
// would remove the guard against SMS and brute-force abuse exactly when it is weakest.
import { type Clock, systemClock } from '#kit/clock';
import { errors } from '#kit/errors';
import { createMemoryLimitStore } from './memory.js';
import type { LimitStore } from './store.js';

export type PeriodState = 'allowed' | 'hit-quota' | 'over-quota';

export interface PeriodTake {
  /** allowed: under quota; hit-quota: this take used the last unit (still allowed); over-quota: refused. */
  state: PeriodState;
  allowed: boolean;
  /** Takes left in this period after this one. */
  remaining: number;
  /** 0 when allowed; otherwise the wait until the period resets. */
  retryAfterMs: number;
}

export interface PeriodLimitOptions {
  /** Required: the period length in ms (e.g. 86_400_000 for a day). */
  periodMs: number;
  /** Required: takes allowed per key per period. */
  quota: number;
  /** Default false: the period starts at a key's first take. true: periods start at multiples of periodMs (since the epoch, shifted by alignOffsetMs). */
  align?: boolean;
  /** Default 0 (UTC). With align, shifts boundaries: 8 * 3_600_000 makes days start at midnight in UTC+8. */
  alignOffsetMs?: number;
  /** Default 'period:'. Namespaces this limiter's keys in a shared store; callers add user / IP / key. */
  keyPrefix?: string;
  /** Default an in-process memory store on `clock` (embedded mode). Use createRedisLimitStore to share limits. */
  store?: LimitStore;
  /** Default systemClock; wall time (now()) places aligned boundaries. */
  clock?: Clock;
}

interface ResolvedPeriodLimitOptions {
  periodMs: number;
  quota: number;
  align: boolean;
  alignOffsetMs: number;
  keyPrefix: string;
  store: LimitStore;
  clock: Clock;
}

export function resolvePeriodLimitOptions(options: PeriodLimitOptions): ResolvedPeriodLimitOptions {
  const { periodMs, quota } = options;
  if (!Number.isInteger(periodMs) || periodMs < 1) throw errors.invalid('periodMs', 'must be a positive integer of milliseconds');
  if (!Number.isInteger(quota) || quota < 1) throw errors.invalid('quota', 'must be a positive integer');
  const alignOffsetMs = options.alignOffsetMs ?? 0;
  if (!Number.isFinite(alignOffsetMs)) throw errors.invalid('alignOffsetMs', 'must be a finite number of milliseconds');
  const clock = options.clock ?? systemClock;
  return Object.freeze({
    periodMs,
    quota,
    align: options.align ?? false,
    alignOffsetMs,
    keyPrefix: options.keyPrefix ?? 'period:',
    clock,
    store: options.store ?? createMemoryLimitStore({ clock }),
  });
}

export class PeriodLimit {
  private readonly o: ResolvedPeriodLimitOptions;

  constructor(options: PeriodLimitOptions) {
    this.o = resolvePeriodLimitOptions(options);
  }

  /** Counts one take for key. Rejects only when the store fails with no fallback. */
  async take(key: string): Promise<PeriodTake> {
    const { quota } = this.o;
    const { count, resetInMs } = await this.o.store.incrementWindow(this.o.keyPrefix + key, this.windowMs());
    const state: PeriodState = count < quota ? 'allowed' : count === quota ? 'hit-quota' : 'over-quota';
    const allowed = state !== 'over-quota';
    return { state, allowed, remaining: Math.max(0, quota - count), retryAfterMs: allowed ? 0 : Math.max(1, resetInMs) };
  }

  /** Life of a counter created now: the whole period, or what is left of it up to the next boundary. */
  private windowMs(): number {
    const { periodMs, align, alignOffsetMs } = this.o;
    if (!align) return periodMs;
    const into = (((this.o.clock.now() + alignOffsetMs) % periodMs) + periodMs) % periodMs;
    return periodMs - into;
  }
}

export function createPeriodLimit(options: PeriodLimitOptions): PeriodLimit {
  return new PeriodLimit(options);
}
