// In-process LimitStore (embedded mode, and the fallback while Redis is down). One JS turn per
// step makes each step atomic. Memory is bounded: counters and buckets live in LRU maps capped
// at maxKeys, and each entry expires once it no longer matters (window end, bucket full again),
// so a flood of distinct keys (one per IP, say) cannot grow the process without bound.
import { LRUCache } from 'lru-cache';
import { type Clock, systemClock } from '#kit/clock';
import { errors } from '#kit/errors';
import { backoffTtlMs, passStep, refundStep, takeStep, type BackoffSpec, type BackoffState } from './backoff.js';
import { bucketTtlMs, refillAndTake, type BucketState } from './token-bucket.js';
import type { BackoffTake, BucketSpec, BucketTake, LimitStore, WindowCount } from './store.js';

export interface MemoryLimitStoreOptions {
  /** Default systemClock. Window ends and refills are measured on clock.now(). */
  clock?: Clock;
  /** Default 100_000 per algorithm: past that, least recently used keys are forgotten (they restart fresh). */
  maxKeys?: number;
}

export interface MemoryLimitStore extends LimitStore {
  /** Keys currently held (windows + buckets). */
  readonly size: number;
}

interface Window {
  count: number;
  endsAt: number;
}

export function createMemoryLimitStore(options: MemoryLimitStoreOptions = {}): MemoryLimitStore {
  const clock = options.clock ?? systemClock;
  const maxKeys = options.maxKeys ?? 100_000;
  if (!Number.isInteger(maxKeys) || maxKeys < 1) throw errors.invalid('maxKeys', 'must be a positive integer');
  // lru-cache reads a start time of 0 as "no TTL", and a ManualClock starts at 0: shift by 1.
  // ttlResolution 0: read the clock on every check (its default caches it for 1 ms of real time).
  const perf = { now: () => clock.monotonic() + 1 };
  const windows = new LRUCache<string, Window>({ max: maxKeys, ttlAutopurge: false, ttlResolution: 0, perf });
  const buckets = new LRUCache<string, BucketState>({ max: maxKeys, ttlAutopurge: false, ttlResolution: 0, perf });
  const backoffs = new LRUCache<string, BackoffState>({ max: maxKeys, ttlAutopurge: false, ttlResolution: 0, perf });

  return {
    name: 'memory',
    get size() {
      return windows.size + buckets.size + backoffs.size;
    },
    async incrementWindow(key: string, windowMs: number): Promise<WindowCount> {
      const now = clock.now();
      let w = windows.get(key);
      if (!w || w.endsAt <= now) {
        w = { count: 0, endsAt: now + windowMs };
        windows.set(key, w, { ttl: windowMs });
      }
      w.count++;
      return { count: w.count, resetInMs: w.endsAt - now };
    },
    async takeTokens(key: string, bucket: BucketSpec, n: number, nowMs: number): Promise<BucketTake> {
      const step = refillAndTake(buckets.get(key), bucket.ratePerSec, bucket.burst, n, nowMs);
      buckets.set(key, step.state, { ttl: bucketTtlMs(bucket.ratePerSec, bucket.burst) });
      return { allowed: step.allowed, tokens: step.state.tokens };
    },
    async takeBackoff(key: string, spec: BackoffSpec, nowMs: number): Promise<BackoffTake> {
      const step = takeStep(backoffs.get(key), spec, nowMs);
      if (step.allowed) backoffs.set(key, step.state, { ttl: Math.max(backoffs.getRemainingTTL(key), backoffTtlMs(step.state, spec, nowMs)) });
      return { allowed: step.allowed, retryAfterMs: step.retryAfterMs, failures: step.state.failures, passedAt: step.passedAt };
    },
    async settleBackoff(key: string, spec: BackoffSpec, outcome: 'pass' | 'refund', nowMs: number, takenAtMs: number): Promise<void> {
      if (outcome === 'refund') {
        const s = backoffs.get(key);
        if (s) backoffs.set(key, refundStep(s, takenAtMs), { ttl: Math.max(1, backoffs.getRemainingTTL(key)) });
      } else if (spec.rememberPassMs > 0) backoffs.set(key, passStep(nowMs), { ttl: spec.rememberPassMs });
      else backoffs.delete(key);
    },
    async ping() {},
    async close() {
      windows.clear();
      buckets.clear();
      backoffs.clear();
    },
  };
}
