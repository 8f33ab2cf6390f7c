// Cache-aside (as go-zero core/stores/cache cachenode) with a local tier in front:
//   local LRU → store (Redis) → singleflight-guarded load() → write back with a jittered TTL.
// Guards: singleflight (breakdown), a not-found placeholder (penetration), ±jitter on every
// TTL (avalanche), delete-after-write (a load that overlaps a delete of its key answers its
// caller but caches nothing, and the store gets the delete again a moment later for loads in
// other processes), and, when the store is down, load() straight from the
// database but only through a token bucket, so an outage of Redis does not become one of the
// database (go-zero fails fast instead; we serve what the database can bear and refuse the rest).
import { errors } from '#kit/errors';
import type { Timer } from '#kit/clock';
import { createTokenBucket, type TokenBucket } from '#kit/limit';
import { SingleFlight } from '#kit/singleflight';
import { createLocalTier, decode, encode, NOT_FOUND, type Entry } from './local.js';
import { resolveCacheOptions, type CacheEvent, type CacheOptions, type ResolvedCacheOptions } from './options.js';
import type { Cache, TakeOptions } from './types.js';

type Write = [key: string, entry: Entry, ttlMs: number];

class CacheAside implements Cache {
  private readonly o: ResolvedCacheOptions;
  private readonly local;
  private readonly flight = new SingleFlight<unknown>();
  private readonly fallbackBucket: TokenBucket;
  private storeUp = true;
  private probe: Timer | undefined;
  private closed = false;
  /** Deletes that failed while the store was down; replayed before it is used again. */
  private readonly pendingDeletes = new Set<string>();
  /** Loads in progress by key; del() marks them stale, and a stale load caches nothing. */
  private readonly loading = new Map<string, { stale: boolean }>();

  constructor(options: CacheOptions) {
    this.o = resolveCacheOptions(options);
    this.local = this.o.local ? createLocalTier(this.o.local.maxEntries, this.o.clock) : undefined;
    this.fallbackBucket = createTokenBucket({ ...this.o.fallback, clock: this.o.clock });
    if (this.local && this.o.store?.onRemoteDelete) {
      const local = this.local;
      this.o.store.onRemoteDelete((keys) => {
        for (const k of keys) local.delete(k);
      });
    }
  }

  async take<T>(key: string, load: () => Promise<T | undefined>, options?: TakeOptions): Promise<T | undefined> {
    const hit = this.localGet(key);
    if (hit) return hit.value as T | undefined;
    const entry = (await this.flight.do(key, () => this.fill(key, load, options))) as Entry;
    return entry.value as T | undefined;
  }

  async takeMany<T>(keys: readonly string[], load: (missing: string[]) => Promise<Map<string, T>>, options?: TakeOptions): Promise<Map<string, T>> {
    // A page of rows is usually all in the local tier: answer it in one pass, nothing else built.
    const out = new Map<string, T>();
    let misses: Set<string> | undefined;
    for (const k of keys) {
      const hit = this.localGet(k);
      if (hit) {
        if (hit.found) out.set(k, hit.value as T);
      } else (misses ??= new Set()).add(k);
    }
    if (!misses) return out;
    let pending = [...misses];
    const store = this.o.store;
    let degraded = !!store && !this.storeUp;
    if (store && !degraded) {
      try {
        const raws = await store.mget(pending);
        const missing: string[] = [];
        pending.forEach((k, i) => {
          const entry = decode(raws[i]);
          if (!entry) return missing.push(k);
          this.emit('store-hit');
          this.localSet(k, entry);
          if (entry.found) out.set(k, entry.value as T);
        });
        pending = missing;
      } catch {
        this.markDown();
        degraded = true;
      }
    }
    if (pending.length > 0) {
      const loadingKeys = pending;
      const marks = this.startLoading(loadingKeys);
      try {
        await this.admit(degraded);
        const loaded = await load(pending);
        const writes: Write[] = [];
        pending.forEach((k, i) => {
          const value = loaded.get(k);
          if (value !== undefined) out.set(k, value);
          // Deleted while it loaded: the value may predate the write, so it answers this caller only.
          if (!marks[i]!.stale) writes.push(value === undefined ? [k, NOT_FOUND, this.notFoundTtl()] : [k, { found: true, value }, this.ttl(options)]);
        });
        for (const [k, entry, ttl] of writes) this.localSet(k, entry, ttl);
        if (!degraded && writes.length > 0) await this.writeBack(writes);
      } finally {
        this.doneLoading(loadingKeys, marks);
      }
    }
    return out;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const hit = this.localGet(key);
    if (hit) return hit.value as T | undefined;
    const store = this.o.store;
    if (!store || !this.storeUp) return undefined;
    try {
      const entry = decode(await store.get(key));
      if (entry) this.localSet(key, entry);
      return entry?.value as T | undefined;
    } catch {
      // get() has no loader: with the store down there is simply no cached value to give.
      this.markDown();
      return undefined;
    }
  }

  async set<T>(key: string, value: T, options?: TakeOptions): Promise<void> {
    const write: Write = value === undefined ? [key, NOT_FOUND, this.notFoundTtl()] : [key, { found: true, value }, this.ttl(options)];
    this.localSet(...write);
    if (this.o.store && this.storeUp) await this.writeBack([write]);
  }

  async del(...keys: string[]): Promise<void> {
    for (const k of keys) {
      this.local?.delete(k);
      const mark = this.loading.get(k);
      if (mark) {
        mark.stale = true;
        this.loading.delete(k);
      }
      // A caller from now on loads afresh instead of joining a load that may have read the old row.
      this.flight.forget(k);
    }
    const store = this.o.store;
    if (!store || keys.length === 0) return;
    if (this.storeUp) {
      try {
        await store.del(keys);
        this.redeleteLater(keys);
        return;
      } catch {
        this.markDown();
      }
    }
    // The database write has committed, so the caller must not see an error. A delete lost now
    // would leave the old value in Redis when it returns (until its TTL), so remember it and
    // replay it before the store is read again. Past maxPendingDeletes the oldest are dropped:
    // their staleness is still bounded by the TTL.
    for (const k of keys) {
      this.pendingDeletes.delete(k);
      this.pendingDeletes.add(k);
    }
    for (const k of this.pendingDeletes) {
      if (this.pendingDeletes.size <= this.o.maxPendingDeletes) break;
      this.pendingDeletes.delete(k);
    }
  }

  /** The second delete (redeleteAfterMs); a failure is the store's outage, handled as any other. */
  private redeleteLater(keys: readonly string[]): void {
    const store = this.o.store;
    if (!store || this.o.redeleteAfterMs === 0 || this.closed) return;
    this.o.clock.after(this.o.redeleteAfterMs, () => {
      if (this.closed || !this.storeUp) return;
      store.del([...keys]).catch(() => this.markDown());
    });
  }

  async ping(): Promise<void> {
    await this.o.store?.ping();
  }

  /** Stops the probe and empties the local tier. The store belongs to its creator, who closes it. */
  async close(): Promise<void> {
    this.closed = true;
    this.probe?.cancel();
    this.local?.clear();
  }

  // ---- one key: store, then load -------------------------------------------------------------

  private async fill(key: string, load: () => Promise<unknown>, options: TakeOptions | undefined): Promise<Entry> {
    const mark = this.startLoading([key])[0]!;
    try {
      const store = this.o.store;
      let degraded = !!store && !this.storeUp;
      if (store && !degraded) {
        try {
          const entry = decode(await store.get(key));
          if (entry) {
            this.emit('store-hit');
            if (!mark.stale) this.localSet(key, entry);
            return entry;
          }
        } catch {
          this.markDown();
          degraded = true;
        }
      }
      await this.admit(degraded);
      const value = await load();
      const write: Write = value === undefined ? [key, NOT_FOUND, this.notFoundTtl()] : [key, { found: true, value }, this.ttl(options)];
      // Deleted while it loaded: the value may predate the write, so it answers this caller only.
      if (mark.stale) return write[1];
      this.localSet(...write);
      if (!degraded) await this.writeBack([write]);
      return write[1];
    } finally {
      this.doneLoading([key], [mark]);
    }
  }

  private startLoading(keys: readonly string[]): { stale: boolean }[] {
    return keys.map((k) => {
      const mark = { stale: false };
      this.loading.set(k, mark);
      return mark;
    });
  }

  private doneLoading(keys: readonly string[], marks: readonly { stale: boolean }[]): void {
    keys.forEach((k, i) => {
      if (this.loading.get(k) === marks[i]) this.loading.delete(k);
    });
  }

  /** The failure policy's gate: with the store down, only fallback.ratePerSec loads a second reach the database. */
  private async admit(degraded: boolean): Promise<void> {
    if (!degraded) {
      this.emit('load');
      return;
    }
    const { allowed } = await this.fallbackBucket.take();
    if (!allowed) {
      this.emit('fallback-reject');
      throw errors.unavailable(this.o.store!.name);
    }
    this.emit('fallback-load');
  }

  private async writeBack(writes: Write[]): Promise<void> {
    const store = this.o.store;
    if (!store) return;
    try {
      if (writes.length === 1) await store.set(writes[0]![0], encode(writes[0]![1]), writes[0]![2]);
      else await store.mset(writes.map(([k, entry, ttl]) => [k, encode(entry), ttl] as const));
    } catch {
      // A lost cache write costs one more load later, never a wrong answer: the caller already
      // has the loaded value. So no error; just stop using the store until it answers again.
      this.markDown();
    }
  }

  // ---- store health: mark down on failure, probe, replay deletes, mark up ---------------------

  private markDown(): void {
    if (!this.storeUp) return;
    this.storeUp = false;
    this.emit('store-down');
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    if (this.closed || this.probe) return;
    this.probe = this.o.clock.after(this.o.probeIntervalMs, () => {
      void this.tryStore().then((ok) => {
        this.probe = undefined;
        if (ok) {
          this.storeUp = true;
          this.emit('store-up');
        } else this.scheduleProbe();
      });
    });
  }

  private async tryStore(): Promise<boolean> {
    const store = this.o.store!;
    try {
      await store.ping();
      const keys = [...this.pendingDeletes];
      if (keys.length > 0) await store.del(keys);
      for (const k of keys) this.pendingDeletes.delete(k);
      return true;
    } catch {
      return false; // still down: the next probe tries again
    }
  }

  // ---- local tier and TTLs --------------------------------------------------------------------

  private localGet(key: string): Entry | undefined {
    const hit = this.local?.get(key);
    if (hit) this.emit('local-hit');
    return hit;
  }

  /** With a store, the local copy lives at most local.ttlMs; without one it is the cache and lives the full TTL. */
  private localSet(key: string, entry: Entry, fullTtlMs?: number): void {
    if (!this.local || !this.o.local) return;
    const full = fullTtlMs ?? (entry.found ? this.o.ttlMs : this.o.notFoundTtlMs);
    this.local.set(key, entry, { ttl: this.o.store ? Math.min(this.o.local.ttlMs, full) : full });
  }

  private ttl(options: TakeOptions | undefined): number {
    return this.jittered(options?.ttlMs ?? this.o.ttlMs);
  }

  private notFoundTtl(): number {
    return this.jittered(this.o.notFoundTtlMs);
  }

  /** ttl × a factor in [1 - jitter, 1 + jitter], so keys written together expire apart. */
  private jittered(ttlMs: number): number {
    return Math.max(1, Math.round(ttlMs * (1 + this.o.jitter * (2 * this.o.random() - 1))));
  }

  private emit(event: CacheEvent): void {
    this.o.onEvent?.(event, this.o.name);
  }
}

export function createCache(options: CacheOptions = {}): Cache {
  return new CacheAside(options);
}

