// Exponential back-off on failures, the lockout OWASP's Authentication Cheat Sheet prefers to a
// hard lock ("exponential lockout"): the first `freeFailures` failures of a key cost nothing; from
// then on failure n makes the next attempt wait baseMs · 2^(n − freeFailures), never more than
// maxWaitMs, so a guesser is slowed to one try per maxWaitMs while the owner is never shut out.
//
// An attempt counts as a failure from the moment it is allowed (take), not when it ends: otherwise
// a hundred concurrent guesses would all pass the check before the first one was counted. The
// caller then settles it: a pass forgets the key's failures, a refund takes this attempt's count
// back (for outcomes that are not a failure), and a failure needs nothing.
//
// This file is the algorithm's steps, used by the memory store and mirrored line for line by the
// Redis Lua scripts in redis.ts; the limiter built on them is backoff-limit.ts.

export interface BackoffSpec {
  /** Failures that cost no wait. */
  freeFailures: number;
  /** The first wait; each further failure doubles it. */
  baseMs: number;
  /** The longest wait. */
  maxWaitMs: number;
  /** A key's failures are forgotten this long after its last counted attempt. */
  forgetAfterMs: number;
  /** How long a pass is reported by later takes (passedAt); 0 = not remembered. */
  rememberPassMs: number;
}

export interface BackoffState {
  failures: number;
  /** Time of the last counted attempt, ms. */
  at: number;
  /** No attempt is allowed before this time, ms. */
  until: number;
  /** Time of the last pass, ms (0 = none). */
  passedAt: number;
}

export interface BackoffStep {
  state: BackoffState;
  allowed: boolean;
  retryAfterMs: number;
  /** Last pass still remembered at nowMs, else 0. */
  passedAt: number;
}

const EMPTY: BackoffState = { failures: 0, at: 0, until: 0, passedAt: 0 };

/** The wait earned by `failures` failures: 0 while they are free, then base · 2^(failures − free), capped. */
export function waitFor(failures: number, spec: BackoffSpec): number {
  if (failures < spec.freeFailures) return 0;
  return Math.min(spec.maxWaitMs, spec.baseMs * 2 ** (failures - spec.freeFailures));
}

/** Take: refused while the key waits (nothing changes); else one more failure, counted in advance. */
export function takeStep(state: BackoffState | undefined, spec: BackoffSpec, nowMs: number): BackoffStep {
  let s = state ?? EMPTY;
  if (s.failures > 0 && nowMs - s.at >= spec.forgetAfterMs) s = { ...s, failures: 0, until: 0 };
  const passedAt = s.passedAt > 0 && nowMs - s.passedAt < spec.rememberPassMs ? s.passedAt : 0;
  if (nowMs < s.until) return { state: s, allowed: false, retryAfterMs: s.until - nowMs, passedAt };
  const failures = s.failures + 1;
  const wait = waitFor(failures, spec);
  return { state: { failures, at: nowMs, until: wait > 0 ? nowMs + wait : 0, passedAt: s.passedAt }, allowed: true, retryAfterMs: 0, passedAt };
}

/** Pass: the failures are forgotten; the pass itself is kept (for rememberPassMs). */
export function passStep(nowMs: number): BackoffState {
  return { failures: 0, at: 0, until: 0, passedAt: nowMs };
}

/**
 * Refund of the attempt taken at takenAtMs: one counted failure less. If no attempt was counted
 * since, the key is as it was before that take, which was allowed: no wait. Otherwise the wait the
 * later attempt started stands.
 */
export function refundStep(state: BackoffState | undefined, takenAtMs: number): BackoffState {
  const s = state ?? EMPTY;
  return { ...s, failures: Math.max(0, s.failures - 1), until: s.at === takenAtMs ? 0 : s.until };
}

/** How long a key must be kept after a take: until its failures are forgotten, or its pass is. */
export function backoffTtlMs(state: BackoffState, spec: BackoffSpec, nowMs: number): number {
  const pass = state.passedAt > 0 ? state.passedAt + spec.rememberPassMs - nowMs : 0;
  return Math.max(spec.forgetAfterMs, pass, state.until - nowMs, 1);
}
