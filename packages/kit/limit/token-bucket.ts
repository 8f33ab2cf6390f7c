// Token bucket (as go-zero core/limit/tokenlimit): a bucket of `burst` tokens refilled at
// `ratePerSec`; a take of n succeeds when n tokens are there. Allows short bursts up to the
// bucket size while holding the long-run rate. This file is the algorithm's one step, used by
// the memory store and mirrored line for line by the Redis Lua script in redis.ts; the limiter
// built on it is token-limit.ts.

export interface BucketState {
  tokens: number;
  /** Time of the last refill, ms. */
  at: number;
}

/** One atomic step: refill for the time since the last step (never above burst), then take n. */
export function refillAndTake(
  state: BucketState | undefined,
  ratePerSec: number,
  burst: number,
  n: number,
  nowMs: number,
): { state: BucketState; allowed: boolean } {
  // A missing bucket is a full one: it has had all the time in the world to refill.
  const last = state ?? { tokens: burst, at: nowMs };
  // A clock that went back (another host's, a step of NTP) refills nothing rather than draining.
  const elapsed = Math.max(0, nowMs - last.at);
  let tokens = Math.min(burst, last.tokens + (elapsed * ratePerSec) / 1000);
  const allowed = tokens >= n;
  if (allowed) tokens -= n;
  return { state: { tokens, at: Math.max(nowMs, last.at) }, allowed };
}

/** How long an idle bucket must be kept: twice the time to refill from empty, after which it is full anyway. */
export function bucketTtlMs(ratePerSec: number, burst: number): number {
  return Math.ceil((2 * burst * 1000) / ratePerSec);
}
