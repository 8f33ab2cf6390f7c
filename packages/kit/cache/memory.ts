// In-process CacheStore: an LRU of strings with per-entry TTL on the injected clock.
// Used where a store is wanted without Redis (tests, a single process that wants the store's
// bounded string form); createCache with no store needs none of it.
import { LRUCache } from 'lru-cache';
import { type Clock, systemClock } from '#kit/clock';
import { errors } from '#kit/errors';
import type { CacheStore } from './types.js';

export interface MemoryCacheStoreOptions {
  /** Default systemClock: entry expiry. */
  clock?: Clock;
  /** Default 100_000: past that, least recently used entries are evicted (bounded memory). */
  maxEntries?: number;
}

export function createMemoryCacheStore(options: MemoryCacheStoreOptions = {}): CacheStore {
  const clock = options.clock ?? systemClock;
  const maxEntries = options.maxEntries ?? 100_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw errors.invalid('maxEntries', 'must be a positive integer');
  // lru-cache reads a start time of 0 as "no TTL", and a ManualClock starts at 0: shift by 1.
  // ttlResolution 0: read the clock on every check (its default caches it for 1 ms of real time).
  const entries = new LRUCache<string, string>({
    max: maxEntries,
    ttlResolution: 0,
    perf: { now: () => clock.monotonic() + 1 },
  });

  return {
    name: 'memory',
    async get(key) {
      return entries.get(key);
    },
    async mget(keys) {
      return keys.map((k) => entries.get(k));
    },
    async set(key, value, ttlMs) {
      entries.set(key, value, { ttl: ttlMs });
    },
    async mset(list) {
      for (const [key, value, ttlMs] of list) entries.set(key, value, { ttl: ttlMs });
    },
    async del(keys) {
      for (const k of keys) entries.delete(k);
    },
    async ping() {},
    async close() {
      entries.clear();
    },
  };
}
