// Row cache, go-zero's sqlc pattern: rows cached by primary key, unique keys cached as a pointer
// to the primary key (so an update invalidates one row key, not every way to reach the row),
// delete-after-write invalidation, batch reads with one cache round trip and one query for misses.
//   <prefix>:id:<id>             → the row
//   <prefix>:<name>:<value>      → the row's id
import { memoKeys, type Cache } from '#kit/cache';
import { errors } from '#kit/errors';

export interface RowCacheOptions<Row> {
  /** The cache-aside layer (createCache from '#kit/cache'). */
  cache: Cache;
  /** Names the table in every key, e.g. 'user'. Letters, digits, '_', '-', '.'. */
  prefix: string;
  /** TTL of cached rows and id pointers; default: the cache's own default. */
  ttlMs?: number;
  /**
   * Columns with a unique key that reads go through byUnique(); invalidate(row) deletes their
   * keys from the row's values. Default none.
   */
  unique?: readonly (keyof Row & string)[];
}

/** A row by its primary key, with any unique values known to the caller, for invalidate(). */
export interface RowRef {
  id: number;
  unique?: Record<string, string | number>;
}

export interface RowCache<Row extends { id: number }> {
  /** The row, from the cache or load() (run once per key across concurrent callers). */
  byId(id: number, load: () => Promise<Row | undefined>): Promise<Row | undefined>;
  /** Rows in the order of ids, missing ones omitted: one cache round trip, one loadMany() for all misses. */
  byIds(ids: readonly number[], loadMany: (ids: number[]) => Promise<Row[]>): Promise<Row[]>;
  /** The row whose unique column `name` holds value: loadId() on a pointer miss, then byId(id, () => loadRow(id)). */
  byUnique(
    name: string,
    value: string | number,
    loadId: () => Promise<number | undefined>,
    loadRow: (id: number) => Promise<Row | undefined>,
  ): Promise<Row | undefined>;
  /**
   * Delete after write: call once the write has committed. Pass the row as it was before the
   * write (or a RowRef) so keys of unique values that just changed are dropped too.
   */
  invalidate(...targets: (Row | RowRef)[]): Promise<void>;
  idKey(id: number): string;
  uniqueKey(name: string, value: string | number): string;
}

interface ResolvedRowCacheOptions<Row> {
  cache: Cache;
  prefix: string;
  take: { ttlMs?: number };
  unique: readonly (keyof Row & string)[];
}

const PREFIX = /^[A-Za-z0-9_.-]+$/;

function resolveRowCacheOptions<Row>(options: RowCacheOptions<Row>): ResolvedRowCacheOptions<Row> {
  const { cache, prefix, ttlMs, unique = [] } = options;
  if (typeof cache?.take !== 'function' || typeof cache.takeMany !== 'function' || typeof cache.del !== 'function') {
    throw errors.invalid('cache', 'must be a Cache (createCache from #kit/cache)');
  }
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) throw errors.invalid('prefix', "must be letters, digits, '_', '-' or '.'");
  if (ttlMs !== undefined && (!Number.isFinite(ttlMs) || ttlMs <= 0)) throw errors.invalid('ttlMs', 'must be a positive number of ms');
  if (!Array.isArray(unique) || unique.some((u) => typeof u !== 'string' || u === 'id')) {
    throw errors.invalid('unique', "must list column names other than 'id'");
  }
  return Object.freeze({ cache, prefix, take: ttlMs === undefined ? {} : { ttlMs }, unique });
}

export function createRowCache<Row extends { id: number }>(options: RowCacheOptions<Row>): RowCache<Row> {
  const { cache, prefix, take, unique } = resolveRowCacheOptions(options);
  const idKey = memoKeys((id) => `${prefix}:id:${id}`);
  const uniqueKey = (name: string, value: string | number) => `${prefix}:${name}:${value}`;

  const byId = (id: number, load: () => Promise<Row | undefined>) => cache.take<Row>(idKey(id), load, take);

  return {
    idKey,
    uniqueKey,
    byId,

    async byIds(ids, loadMany) {
      if (ids.length === 0) return [];
      const keys = ids.map(idKey);
      const found = await cache.takeMany<Row>(
        keys,
        async (missing: string[]) => {
          const idOf = new Map(keys.map((k, i) => [k, ids[i]!]));
          const rows = await loadMany(missing.map((k: string) => idOf.get(k)!));
          return new Map(rows.map((row) => [idKey(row.id), row]));
        },
        take,
      );
      const rows: Row[] = [];
      for (const k of keys) {
        const row = found.get(k);
        if (row !== undefined) rows.push(row);
      }
      return rows;
    },

    async byUnique(name, value, loadId, loadRow) {
      const id = await cache.take<number>(uniqueKey(name, value), loadId, take);
      if (id === undefined) return undefined;
      return byId(id, () => loadRow(id));
    },

    async invalidate(...targets) {
      const keys = new Set<string>();
      for (const target of targets) {
        keys.add(idKey(target.id));
        const fields = target as Record<string, unknown>;
        for (const name of unique) {
          const v = fields[name];
          if (typeof v === 'string' || typeof v === 'number') keys.add(uniqueKey(name, v));
        }
        const ref = (target as RowRef).unique;
        if (ref !== null && typeof ref === 'object' && !(unique as readonly string[]).includes('unique')) {
          for (const [name, v] of Object.entries(ref)) keys.add(uniqueKey(name, v));
        }
      }
      if (keys.size > 0) await cache.del(...keys);
    },
  };
}
