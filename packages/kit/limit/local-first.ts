// A token bucket that answers from this process and keeps a shared one in step behind it. Each
// take is decided by an in-process bucket (exact for the takes this process sees) and by what the
// shared store said last about the key; the same take then goes to the shared store without
// being awaited, and a refusal there refuses the key here until its retry time. So a request
// waits for no round trip, and the limit across processes holds to within the takes of one round
// trip (the takes a process lets through before the store's refusal comes back).
//
// For limits on a request's hot path where that margin is acceptable and a round trip per take is
// not: a chat message, where the send itself is the work being limited. A limit that guards
// something costly per attempt (a password check) awaits the shared store instead (TokenBucket).
import { LRUCache } from 'lru-cache';
import { type Clock, systemClock } from '#kit/clock';
import { createMemoryLimitStore } from './memory.js';
import type { LimitStore } from './store.js';
import { createTokenBucket, type TokenBucket, type TokenTake } from './token-limit.js';

export interface LocalFirstBucketOptions {
  /** Required: tokens per second per key, here and across processes. */
  ratePerSec: number;
  /** Default max(1, ceil(ratePerSec)). */
  burst?: number;
  /** Default 'bucket:'. The shared store's keys (the in-process bucket has its own store). */
  keyPrefix?: string;
  /** Required: the store processes share (Redis on the servers). */
  shared: LimitStore;
  /** Default 10,000: keys this process remembers (its bucket and the shared store's refusals), least recent dropped first. */
  maxKeys?: number;
  /** Default systemClock. */
  clock?: Clock;
  /** Sees a shared take that failed (the store and its fallback both): the key is then limited here only. */
  onSharedError?: (err: unknown) => void;
}

export interface LocalFirstBucket {
  /** Takes one token for key: answered from this process, the shared bucket told meanwhile. */
  take(key: string): Promise<TokenTake>;
}

export function createLocalFirstBucket(options: LocalFirstBucketOptions): LocalFirstBucket {
  const clock = options.clock ?? systemClock;
  const maxKeys = options.maxKeys ?? 10_000;
  const spec = { ratePerSec: options.ratePerSec, ...(options.burst === undefined ? {} : { burst: options.burst }), clock };
  const local: TokenBucket = createTokenBucket({ ...spec, keyPrefix: '', store: createMemoryLimitStore({ clock, maxKeys }) });
  const shared: TokenBucket = createTokenBucket({ ...spec, ...(options.keyPrefix === undefined ? {} : { keyPrefix: options.keyPrefix }), store: options.shared });
  /** Key → wall time until which the shared bucket refuses it. */
  const refusedUntil = new LRUCache<string, number>({ max: maxKeys });

  const tellShared = (key: string) => {
    shared.take(key).then(
      (t) => {
        if (!t.allowed) refusedUntil.set(key, clock.now() + t.retryAfterMs);
      },
      (err: unknown) => options.onSharedError?.(err),
    );
  };

  return {
    async take(key) {
      const until = refusedUntil.get(key);
      if (until !== undefined) {
        const wait = until - clock.now();
        if (wait > 0) return { allowed: false, retryAfterMs: wait };
        refusedUntil.delete(key);
      }
      const here = await local.take(key);
      // Refused here: the shared bucket is not asked, as a process awaiting it would not have spent a token on it either.
      if (here.allowed) tellShared(key);
      return here;
    },
  };
}
