// The per-user buy rate on one gateway process (seckill.buysPerUserPerSecond): a token bucket
// per user (as go-zero core/limit/tokenlimit, in process only), kept in two generations of Maps
// for lazy expiry (as a two-generation cache: a key not touched for one generation is dropped
// with the older map, no timer and no sweep).
//
// Why not #kit/limit's createTokenBucket over createMemoryLimitStore: its take is an awaited
// promise and an LRU get and set with a TTL, ~1.0 µs a take against ~0.1 µs here (limit.bench.ts,
// 10,000 users), 5% of a request at a bare server's ~20 µs. The check runs on every buy of a
// flood and is local on purpose (no Redis round trip), so the store interface buys nothing here.
import type { Clock } from '#kit/clock';
import { errors } from '#kit/errors';

export interface BuyLimitOptions {
  /** Required: buys one user may start per second here; also the burst (one second's worth at once). */
  perSecond: number;
  /** The clock whose monotonic() times refills and generations. */
  clock: Clock;
  /**
   * Default 50,000: users tracked per generation. Past it the generations turn early, so the
   * process holds at most twice this many buckets; users dropped early start again full
   * (lenient for them, never stricter): the sale's own per-user units limit stays exact.
   */
  maxUsers?: number;
}

export interface BuyLimit {
  /** Takes one buy from the user's bucket: 0 when allowed, else the ms until one is there. */
  take(userId: number): number;
  /** Buckets held now (both generations), for tests and metrics. */
  readonly size: number;
}

interface Bucket {
  tokens: number;
  /** monotonic ms of the last refill */
  at: number;
}

export function createBuyLimit(options: BuyLimitOptions): BuyLimit {
  const rate = options.perSecond;
  if (!Number.isInteger(rate) || rate < 1) throw errors.invalid('perSecond', 'must be a whole number of buys per second, at least 1');
  const maxUsers = options.maxUsers ?? 50_000;
  if (!Number.isInteger(maxUsers) || maxUsers < 1) throw errors.invalid('maxUsers', 'must be a positive whole number');
  const clock = options.clock;
  const burst = rate;
  // An idle bucket is full again after this long: a key untouched for a whole generation is
  // dropped at the next turn, and a missing bucket reads as a full one, so dropping it changes nothing.
  const generationMs = (burst * 1000) / rate;
  let current = new Map<number, Bucket>();
  let previous = new Map<number, Bucket>();
  let generationStart = clock.monotonic();

  return {
    take(userId: number): number {
      const now = clock.monotonic();
      if (now - generationStart >= generationMs || current.size >= maxUsers) {
        previous = current;
        current = new Map();
        generationStart = now;
      }
      let bucket = current.get(userId);
      if (bucket === undefined) {
        bucket = previous.get(userId);
        if (bucket === undefined) bucket = { tokens: burst, at: now };
        else previous.delete(userId);
        current.set(userId, bucket);
      }
      // Refill for the time since the last take, never above the burst.
      const tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) * rate) / 1000);
      bucket.at = now;
      if (tokens >= 1) {
        bucket.tokens = tokens - 1;
        return 0;
      }
      bucket.tokens = tokens;
      return Math.ceil(((1 - tokens) * 1000) / rate);
    },
    get size() {
      return current.size + previous.size;
    },
  };
}
