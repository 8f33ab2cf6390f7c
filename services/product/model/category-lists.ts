// ListProducts' lists, cached: per (category as asked, order) the first `size` ids with their
// sort keys and an end marker (beyond's design: bounded sorted sets, backfill on miss, an end
// marker), so a category page costs no query while the cache can answer it exactly:
//   - a page is exact when the cached entries after its cursor hold limit + 1 ids (the prefix is
//     the list's beginning, so they are the next ones whatever lies past it), or when the marker
//     says the prefix is the whole list (fewer is then the end: is_end without SQL);
//   - otherwise the page reaches past the prefix and SQL answers it, with the same cursors.
// A miss is filled by one query of size + 1 rows (the extra row says whether the list ends
// inside the prefix), one loader per list and generation on this instance (#kit/singleflight).
//
// Invalidation: every write that can change a list's members or order (create; a price, status or
// category change; a reservation or release, which move sales) bumps the generation of the
// product's category, its parent and 0 (all) after it commits, dropping their lists. A backfill
// writes its list under the generation it read before its query, and a list of an older
// generation is a miss, so a backfill that read the database before a write never outlives it
// (decision 62). The TTL (60 s, ±5%) is only a safety net: for a bump that failed, or a write
// made behind the service's back (a seed run against a live catalog).
import type { Logger } from 'pino';
import { Code, errors, SurgeError } from '#kit/errors';
import { SingleFlight } from '#kit/singleflight';
import type { CategoryModel } from './categories.js';
import { entriesAfter, type CachedSlice, type ListStore } from './list-entries.js';
import type { After, Keyed, ListModel, ListOrder } from './lists.js';

/** A list as ListProducts asks it: the category id (0 = every category) and the ids it covers (undefined = all). */
export interface ListCategory {
  readonly id: number;
  readonly covering: readonly number[] | undefined;
}

export interface CategoryLists {
  /** Up to limit + 1 on-sale ids after `from` in `order`, exactly as ListModel.byCategory answers: from the cache when it can. */
  byCategory(category: ListCategory, order: ListOrder, from: After | undefined, limit: number): Promise<Keyed[]>;
  /** Once a write touching products of these categories has committed: their lists (and their parents' and all's) are read afresh. */
  invalidate(categoryIds: readonly number[]): Promise<void>;
}

export interface CategoryListOptions {
  store: ListStore;
  /** The SQL the cache stands in front of. */
  lists: ListModel;
  /** The tree, for each category's parent. */
  categories: CategoryModel;
  /** Ids kept per list; 0 turns the cache off (every page from SQL). */
  size: number;
  /** How long a list is kept, before ±5% jitter. */
  ttlMs: number;
  /** Default Math.random: the TTL's jitter. */
  random?: () => number;
  log: Logger;
}

/** Lists written together expire apart (go-zero's cache jitter). */
const JITTER = 0.05;

export function createCategoryLists(o: CategoryListOptions): CategoryLists {
  if (!Number.isSafeInteger(o.size) || o.size < 0) throw errors.invalid('listCacheSize', 'must be a whole number of ids, 0 or more (0: no list cache)');
  if (!(o.ttlMs > 0)) throw errors.invalid('listCacheTtlMs', 'must be a positive number of milliseconds');
  const flights = new SingleFlight<CachedSlice>();
  const random = o.random ?? Math.random;
  let down = false;

  /** The store's answer, or undefined while it is unreachable. */
  const guarded = async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      const result = await fn();
      if (down) o.log.info('product list cache answers again');
      down = false;
      return result;
    } catch (err) {
      // The cache is a copy of the database: while it cannot answer, SQL does. Anything other
      // than an unreachable store is a bug: rethrow.
      if (!(err instanceof SurgeError && err.code === Code.Unavailable)) throw err;
      if (!down) o.log.warn({ err }, 'product list cache unavailable; category pages come from the database');
      down = true;
      return undefined;
    }
  };

  /** The list's first `size` ids and its end marker from the database, written to the store under `generation`. */
  const backfill = (category: ListCategory, order: ListOrder, generation: number): Promise<CachedSlice> =>
    // Keyed by generation too: a reader after a write must not join a load that began before it.
    flights.do(`${category.id}:${order}:${generation}`, async () => {
      const found = await o.lists.byCategory(category.covering, order, undefined, o.size);
      const slice: CachedSlice = { entries: found.slice(0, o.size), complete: found.length <= o.size };
      const ttlMs = Math.max(1, Math.round(o.ttlMs * (1 + JITTER * (2 * random() - 1))));
      await guarded(() => o.store.write({ categoryId: category.id, order }, generation, slice, ttlMs));
      return slice;
    });

  return {
    async byCategory(category, order, from, limit) {
      const sql = () => o.lists.byCategory(category.covering, order, from, limit);
      if (o.size === 0) return sql();
      const stored = await guarded(() => o.store.read({ categoryId: category.id, order }, from, limit + 1));
      if (!stored) return sql();
      let cached = stored.cached;
      if (!cached) {
        const loaded = await backfill(category, order, stored.generation);
        cached = { entries: entriesAfter(loaded.entries, order, from, limit + 1), complete: loaded.complete };
      }
      if (cached.entries.length > limit || cached.complete) return cached.entries;
      return sql();
    },

    async invalidate(categoryIds) {
      if (o.size === 0 || categoryIds.length === 0) return;
      const parents = new Map((await o.categories.all()).map((c) => [c.id, c.parentId]));
      const touched = new Set<number>([0]);
      for (const id of categoryIds) {
        touched.add(id);
        const parent = parents.get(id);
        if (parent) touched.add(parent);
      }
      const done = await guarded(() => o.store.bump([...touched]).then(() => true));
      // The write has committed: failing it now would only make the caller retry a done write.
      if (!done) o.log.warn({ categories: [...touched] }, `product lists may be stale for up to ${o.ttlMs} ms: their invalidation did not reach the cache`);
    },
  };
}
