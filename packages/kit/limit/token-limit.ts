// The token bucket limiter callers use (algorithm: token-bucket.ts), over any LimitStore.
// On a Redis failure a Redis store falls back to an in-process bucket and probes Redis every
// 100 ms to switch back (failover.ts), as go-zero's tokenlimit does: a rate limit that is
// briefly per process is better than refusing or admitting everything.
import { type Clock, systemClock } from '#kit/clock';
import { errors } from '#kit/errors';
import { createMemoryLimitStore } from './memory.js';
import type { LimitStore } from './store.js';

export interface TokenBucketOptions {
  /** Required: tokens per second, the long-run rate allowed per key. */
  ratePerSec: number;
  /** Default max(1, ceil(ratePerSec)): one second's worth may arrive at once. */
  burst?: number;
  /** Default 'bucket:'. Namespaces this limiter's keys in a shared store; callers add user / IP / key. */
  keyPrefix?: string;
  /** Default an in-process memory store on `clock` (embedded mode). Use createRedisLimitStore to share limits. */
  store?: LimitStore;
  /** Default systemClock. Wall time (now()) is used so buckets shared through Redis agree across hosts. */
  clock?: Clock;
}

export interface TokenTake {
  allowed: boolean;
  /** 0 when allowed; otherwise the wait until enough tokens will be there. */
  retryAfterMs: number;
}

interface ResolvedTokenBucketOptions {
  ratePerSec: number;
  burst: number;
  keyPrefix: string;
  store: LimitStore;
  clock: Clock;
}

export function resolveTokenBucketOptions(options: TokenBucketOptions): ResolvedTokenBucketOptions {
  const { ratePerSec } = options;
  if (typeof ratePerSec !== 'number' || !Number.isFinite(ratePerSec) || ratePerSec <= 0) {
    throw errors.invalid('ratePerSec', 'must be a positive number');
  }
  const burst = options.burst ?? Math.max(1, Math.ceil(ratePerSec));
  if (!Number.isInteger(burst) || burst < 1) throw errors.invalid('burst', 'must be a positive integer');
  const clock = options.clock ?? systemClock;
  return Object.freeze({
    ratePerSec,
    burst,
    keyPrefix: options.keyPrefix ?? 'bucket:',
    clock,
    store: options.store ?? createMemoryLimitStore({ clock }),
  });
}

export class TokenBucket {
  private readonly o: ResolvedTokenBucketOptions;

  constructor(options: TokenBucketOptions) {
    this.o = resolveTokenBucketOptions(options);
  }

  get burst(): number {
    return this.o.burst;
  }

  get ratePerSec(): number {
    return this.o.ratePerSec;
  }

  /** Takes n tokens (default 1) from key's bucket. Rejects only when the store fails with no fallback. */
  async take(key = '', n = 1): Promise<TokenTake> {
    if (!Number.isInteger(n) || n < 1 || n > this.o.burst) throw errors.invalid('n', `must be an integer in 1..${this.o.burst} (the burst)`);
    const { ratePerSec, burst } = this.o;
    const r = await this.o.store.takeTokens(this.o.keyPrefix + key, { ratePerSec, burst }, n, this.o.clock.now());
    return { allowed: r.allowed, retryAfterMs: r.allowed ? 0 : Math.ceil(((n - r.tokens) * 1000) / ratePerSec) };
  }
}

export function createTokenBucket(options: TokenBucketOptions): TokenBucket {
  return new TokenBucket(options);
}
