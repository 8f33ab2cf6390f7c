// In-process DedupStore: claims in a Map with expiry read from the injected clock.
import { type Clock, systemClock } from '#kit/clock';
import type { ClaimResult, DedupStore } from './idempotent.js';

export interface MemoryDedupStoreOptions {
  /** Expiry time source. Default systemClock; tests pass a ManualClock. */
  clock?: Clock;
}

const DONE = 'done';
// Expired entries are dropped when read and in a sweep every SWEEP_EVERY claims, so keys never read
// again do not pile up.
const SWEEP_EVERY = 1024;

export function createMemoryDedupStore(options: MemoryDedupStoreOptions = {}): DedupStore {
  const clock = options.clock ?? systemClock;
  const entries = new Map<string, { value: string; expiresAt: number }>();
  let claims = 0;

  const live = (key: string) => {
    const e = entries.get(key);
    if (e && e.expiresAt <= clock.monotonic()) {
      entries.delete(key);
      return undefined;
    }
    return e;
  };
  const sweep = () => {
    const now = clock.monotonic();
    for (const [k, e] of entries) if (e.expiresAt <= now) entries.delete(k);
  };

  return {
    async claim(key: string, token: string, ttlMs: number): Promise<ClaimResult> {
      if (++claims % SWEEP_EVERY === 0) sweep();
      const e = live(key);
      if (e) return e.value === DONE ? 'done' : 'running';
      entries.set(key, { value: token, expiresAt: clock.monotonic() + ttlMs });
      return 'claimed';
    },
    async complete(key: string, ttlMs: number): Promise<void> {
      entries.set(key, { value: DONE, expiresAt: clock.monotonic() + ttlMs });
    },
    async release(key: string, token: string): Promise<void> {
      if (live(key)?.value === token) entries.delete(key);
    },
  };
}
