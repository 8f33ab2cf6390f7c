// Cache options: every field optional, defaults filled and checked once, at construction.
import { type Clock, systemClock } from '#kit/clock';
import { errors } from '#kit/errors';
import type { CacheStore } from './types.js';

/** What happened, for metrics: one event per key (or per batch for loads). */
export type CacheEvent =
  | 'local-hit' // answered from the in-process tier
  | 'store-hit' // answered from the store (value or not-found placeholder)
  | 'load' // load()/loadMissing() called with the store up (or no store)
  | 'fallback-load' // load called while the store is down, admitted by the fallback limiter
  | 'fallback-reject' // refused while the store is down: over the fallback rate
  | 'store-down'
  | 'store-up';

export interface CacheOptions {
  /** Default none: the local tier is the whole cache (embedded mode). Give a Redis store to share across processes. */
  store?: CacheStore;
  /** Default 'cache'. Names this cache in metrics. */
  name?: string;
  /** Default 600_000 (10 min): TTL of a found value before jitter; bounds staleness if a delete is lost. */
  ttlMs?: number;
  /** Default 60_000 (1 min): TTL of the not-found placeholder, so floods of missing ids cost one load a minute (penetration). */
  notFoundTtlMs?: number;
  /** Default 0.05: every TTL is multiplied by a random factor in [1 - jitter, 1 + jitter] so keys written together expire apart (avalanche). */
  jitter?: number;
  /**
   * The in-process LRU tier in front of the store. It holds parsed values, so a hit costs no
   * round trip and no JSON parse. Defaults: maxEntries 10_000 (bounded memory), ttlMs 10_000
   * (how stale a copy may get if a remote delete is missed). false: no local tier (needs a store).
   */
  local?: { maxEntries?: number; ttlMs?: number } | false;
  /**
   * While the store is down, loads go straight to the database, but only through this token
   * bucket; callers beyond it get SurgeError(Unavailable). Defaults: ratePerSec 500, burst = ratePerSec.
   */
  fallback?: { ratePerSec?: number; burst?: number };
  /** Default 100 ms: while the store is down, how often to ping it to switch back. */
  probeIntervalMs?: number;
  /** Default 10_000: deletes that failed while the store was down, kept to replay when it is back. */
  maxPendingDeletes?: number;
  /**
   * Default 1000 ms: a delete is sent to the store again this long after the first, for a fill in
   * another process that read the database before the write committed and wrote its old value
   * back after the first delete (a fill in this process is kept from writing by the delete
   * itself). 0: no second delete.
   */
  redeleteAfterMs?: number;
  /** Default systemClock: TTLs of the local tier, the probe timer and the fallback bucket. */
  clock?: Clock;
  /** Default Math.random: the TTL jitter. */
  random?: () => number;
  /** Default none. Called on each CacheEvent; keep it cheap (a counter increment). */
  onEvent?: (event: CacheEvent, cacheName: string) => void;
}

export interface ResolvedCacheOptions {
  store: CacheStore | undefined;
  name: string;
  ttlMs: number;
  notFoundTtlMs: number;
  jitter: number;
  local: { maxEntries: number; ttlMs: number } | false;
  fallback: { ratePerSec: number; burst: number };
  probeIntervalMs: number;
  maxPendingDeletes: number;
  redeleteAfterMs: number;
  clock: Clock;
  random: () => number;
  onEvent: ((event: CacheEvent, cacheName: string) => void) | undefined;
}

function positiveInt(field: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw errors.invalid(field, 'must be a positive integer');
  return v;
}

function nonNegativeInt(field: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 0) throw errors.invalid(field, 'must be a whole number ≥ 0');
  return v;
}

export function resolveCacheOptions(options: CacheOptions = {}): ResolvedCacheOptions {
  const jitter = options.jitter ?? 0.05;
  if (!Number.isFinite(jitter) || jitter < 0 || jitter >= 1) throw errors.invalid('jitter', 'must be in [0, 1)');
  if (options.local === false && !options.store) throw errors.invalid('local', 'cannot be false without a store: nothing would be cached');
  const local = options.local === false ? false : {
    maxEntries: positiveInt('local.maxEntries', options.local?.maxEntries, 10_000),
    ttlMs: positiveInt('local.ttlMs', options.local?.ttlMs, 10_000),
  };
  const ratePerSec = options.fallback?.ratePerSec ?? 500;
  if (!Number.isFinite(ratePerSec) || ratePerSec <= 0) throw errors.invalid('fallback.ratePerSec', 'must be a positive number');
  return Object.freeze({
    store: options.store,
    name: options.name ?? 'cache',
    ttlMs: positiveInt('ttlMs', options.ttlMs, 600_000),
    notFoundTtlMs: positiveInt('notFoundTtlMs', options.notFoundTtlMs, 60_000),
    jitter,
    local,
    fallback: { ratePerSec, burst: positiveInt('fallback.burst', options.fallback?.burst, Math.max(1, Math.ceil(ratePerSec))) },
    probeIntervalMs: positiveInt('probeIntervalMs', options.probeIntervalMs, 100),
    maxPendingDeletes: positiveInt('maxPendingDeletes', options.maxPendingDeletes, 10_000),
    redeleteAfterMs: nonNegativeInt('redeleteAfterMs', options.redeleteAfterMs, 1000),
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
    onEvent: options.onEvent,
  });
}
