// The back-off limiter callers use (algorithm: backoff.ts), over any LimitStore: take() before an
// attempt whose failures should slow the next ones (a password check), then settle the handle
// with pass() or refund(); a failure needs no call, it was counted when the attempt began.
//
// On a Redis failure a Redis store answers from an in-process store until Redis is back
// (failover.ts), as the period limit and token bucket do: during an outage each process counts
// failures from zero, so a guesser may get up to freeFailures per process more. We accept that
// over refusing every sign-in, or none, while Redis is down (see period-limit.ts).
import { type Clock, systemClock } from '#kit/clock';
import { errors } from '#kit/errors';
import type { BackoffSpec } from './backoff.js';
import { createMemoryLimitStore } from './memory.js';
import type { LimitStore } from './store.js';

export interface BackoffLimitOptions {
  /** Default 5: failures per key that cost no wait (typing mistakes). */
  freeFailures?: number;
  /** Default 1000 (1 s): the wait after the first failure past the free ones; each further one doubles it. */
  baseMs?: number;
  /** Default 900_000 (15 min): the longest wait, so a key is slowed, never locked for good. */
  maxWaitMs?: number;
  /** Default 86_400_000 (a day): a key's failures are forgotten this long after its last attempt. At least maxWaitMs. */
  forgetAfterMs?: number;
  /** Default 0: how long takes report a key's last pass (BackoffAttempt.passedAt); 0 = never reported. */
  rememberPassMs?: number;
  /** Default 'backoff:'. Namespaces this limiter's keys in a shared store; callers add account / address. */
  keyPrefix?: string;
  /** Default an in-process memory store on `clock` (embedded mode). Use createRedisLimitStore to share it. */
  store?: LimitStore;
  /** Default systemClock. Wall time (now()) is used so keys shared through Redis agree across hosts. */
  clock?: Clock;
}

export interface BackoffAttempt {
  /** false: the key is waiting; make no attempt and say when to retry. */
  readonly allowed: boolean;
  /** 0 when allowed; otherwise the wait, ms. */
  readonly retryAfterMs: number;
  /** Failures counted on the key, this attempt included. */
  readonly failures: number;
  /** When the key last passed, while rememberPassMs has not run out since; else 0. */
  readonly passedAt: number;
  /** The attempt succeeded: forget the key's failures (and remember the pass). */
  pass(): Promise<void>;
  /** The attempt was no failure (nor a success on this key): take its advance count back. */
  refund(): Promise<void>;
}

interface ResolvedBackoffLimitOptions {
  spec: BackoffSpec;
  keyPrefix: string;
  store: LimitStore;
  clock: Clock;
}

const positiveInt = (name: string, v: number) => {
  if (!Number.isSafeInteger(v) || v < 1) throw errors.invalid(name, 'must be a positive integer');
  return v;
};

export function resolveBackoffLimitOptions(options: BackoffLimitOptions = {}): ResolvedBackoffLimitOptions {
  const spec: BackoffSpec = {
    freeFailures: positiveInt('freeFailures', options.freeFailures ?? 5),
    baseMs: positiveInt('baseMs', options.baseMs ?? 1000),
    maxWaitMs: positiveInt('maxWaitMs', options.maxWaitMs ?? 900_000),
    forgetAfterMs: positiveInt('forgetAfterMs', options.forgetAfterMs ?? 86_400_000),
    rememberPassMs: options.rememberPassMs ?? 0,
  };
  if (spec.maxWaitMs < spec.baseMs) throw errors.invalid('maxWaitMs', 'must be at least baseMs');
  // Forgetting a key before its wait is over would end the wait early.
  if (spec.forgetAfterMs < spec.maxWaitMs) throw errors.invalid('forgetAfterMs', 'must be at least maxWaitMs');
  if (!Number.isSafeInteger(spec.rememberPassMs) || spec.rememberPassMs < 0) throw errors.invalid('rememberPassMs', 'must be a non-negative integer');
  const clock = options.clock ?? systemClock;
  return Object.freeze({
    spec: Object.freeze(spec),
    keyPrefix: options.keyPrefix ?? 'backoff:',
    clock,
    store: options.store ?? createMemoryLimitStore({ clock }),
  });
}

const settled = async () => {};

export class BackoffLimit {
  private readonly o: ResolvedBackoffLimitOptions;

  constructor(options: BackoffLimitOptions = {}) {
    this.o = resolveBackoffLimitOptions(options);
  }

  /** Asks to attempt on key; an allowed attempt counts as a failure until it is settled otherwise. */
  async take(key: string): Promise<BackoffAttempt> {
    const { store, spec, clock } = this.o;
    const k = this.o.keyPrefix + key;
    const takenAt = clock.now();
    const r = await store.takeBackoff(k, spec, takenAt);
    // A refused attempt counted nothing: there is nothing to settle.
    if (!r.allowed) return { ...r, pass: settled, refund: settled };
    let done = false;
    const settle = (outcome: 'pass' | 'refund') => async () => {
      if (done) return;
      done = true;
      await store.settleBackoff(k, spec, outcome, clock.now(), takenAt);
    };
    return { ...r, pass: settle('pass'), refund: settle('refund') };
  }

  /** A success on key learned without an attempt on it: forget its failures (and remember the pass). */
  async pass(key: string): Promise<void> {
    const now = this.o.clock.now();
    await this.o.store.settleBackoff(this.o.keyPrefix + key, this.o.spec, 'pass', now, now);
  }
}

export function createBackoffLimit(options: BackoffLimitOptions = {}): BackoffLimit {
  return new BackoffLimit(options);
}
