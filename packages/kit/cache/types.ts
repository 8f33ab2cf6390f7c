// The cache's public shapes. A CacheStore is the adapter (in-process memory or Redis);
// a Cache is the cache-aside layer services use, built on a store.

/** The adapter: strings in, strings out, with a TTL. Memory and Redis implement it. */
export interface CacheStore {
  readonly name: string;
  get(key: string): Promise<string | undefined>;
  mget(keys: readonly string[]): Promise<(string | undefined)[]>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  mset(entries: readonly (readonly [key: string, value: string, ttlMs: number])[]): Promise<void>;
  del(keys: readonly string[]): Promise<void>;
  /** Resolves when the store answers; rejects with a SurgeError(Unavailable) when it does not. */
  ping(): Promise<void>;
  /** Called with keys deleted by other processes, so a local tier can drop them too. */
  onRemoteDelete?(listener: (keys: readonly string[]) => void): void;
  close(): Promise<void>;
}

export interface TakeOptions {
  /** TTL of a found value, before ±5% jitter. */
  ttlMs?: number;
}

/**
 * Cache-aside. Values are JSON-serialisable and treated as immutable by callers:
 * the local tier hands out the same object to every reader.
 */
export interface Cache {
  /** Cached value, or load() once per key across concurrent callers; undefined = not found (remembered briefly). */
  take<T>(key: string, load: () => Promise<T | undefined>, options?: TakeOptions): Promise<T | undefined>;
  /** Batch form: one store round trip for all keys, one load() call for all misses; absent keys are not found. */
  takeMany<T>(keys: readonly string[], load: (missing: string[]) => Promise<Map<string, T>>, options?: TakeOptions): Promise<Map<string, T>>;
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T, options?: TakeOptions): Promise<void>;
  /** Delete after write: call once the database write has committed. */
  del(...keys: string[]): Promise<void>;
  /** Resolves when the backing store answers; rejects with SurgeError(Unavailable) naming it otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
