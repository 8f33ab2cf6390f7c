// Product rows: whole rows through the row cache (product:id:<id>), and on a miss a Bloom filter
// of every id ever created, so a lookup of an id that never existed stops in the filter and never
// reaches the database. The filter is asked after the cache, not before it: a cached row (the
// common case) then costs no filter round trip (Redis on the servers), and a made-up id costs one
// cache miss more. Writes keep the search index (product_terms) in the same transaction and
// invalidate the cached rows after commit.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { BloomFilter } from '#kit/bloom';
import type { Cache } from '#kit/cache';
import { Code, SurgeError } from '#kit/errors';
import { createRowCache, type ServiceDatabase } from '#kit/store';
import type { Product } from '#gen/surge/product/v1/product';
import type { ProductDB, ProductsTable } from './tables.js';
import { writeTerms as writeIndexRows } from '#kit/search';
import { PRODUCT_TERMS, productTerms } from './terms.js';

const COLUMNS = ['id', 'name', 'subtitle', 'category_id', 'image_urls', 'price_cents', 'stock', 'sales', 'status', 'detail', 'created_at'] as const;

type ProductRow = Pick<ProductsTable, (typeof COLUMNS)[number]>;

// MariaDB returns bigint columns as strings: every number goes through Number().
export const toProduct = (r: ProductRow): Product => ({
  id: Number(r.id),
  name: r.name,
  subtitle: r.subtitle,
  categoryId: Number(r.category_id),
  imageUrls: JSON.parse(r.image_urls) as string[],
  priceCents: Number(r.price_cents),
  stock: Number(r.stock),
  sales: Number(r.sales),
  status: r.status,
  detail: r.detail,
  createdAt: Number(r.created_at),
});

/** A product as written: every column but the counters' history. */
export type NewProduct = Omit<ProductsTable, 'updated_at'>;

export type ProductPatch = Partial<Pick<ProductsTable, 'name' | 'subtitle' | 'detail' | 'category_id' | 'price_cents' | 'stock' | 'status'>>;

export interface ProductModel {
  /** Rows in the order of ids, missing ones left out: one cache round trip, the filter for misses, one query for what it lets through. */
  byIds(ids: readonly number[]): Promise<Product[]>;
  byId(id: number): Promise<Product | undefined>;
  /** Rows of ids the service's own lists and tables hold (so they were created): byIds without the filter. */
  listed(ids: readonly number[]): Promise<Product[]>;
  /** Whole rows read in the caller's transaction (fresh, not cached), in the order of ids. */
  readIn(trx: Kysely<ProductDB>, ids: readonly number[]): Promise<Product[]>;
  /** Inserts the row and its search terms in one transaction; the id joins the filter first. */
  insert(row: NewProduct): Promise<Product>;
  /** Applies the patch (and re-indexes a changed name or subtitle); the row before and after it, or undefined when there is none. */
  update(id: number, patch: ProductPatch, now: number): Promise<{ before: Product; after: Product } | undefined>;
  /** Delete after write: drops cached rows once a change has committed. */
  invalidate(ids: readonly number[]): Promise<void>;
}

/** The search index rows of one product, replacing any it had, in the caller's transaction. */
export async function writeTerms(trx: Kysely<ProductDB>, productId: number, name: string, subtitle: string, options: { fresh?: boolean } = {}): Promise<void> {
  await writeIndexRows(trx, PRODUCT_TERMS, productId, productTerms(name, subtitle), options);
}

/** Ids read per query while filling the filter. */
const FILL_CHUNK = 5000;

/**
 * Adds every stored product id to the filter, before the service answers: a filter in process
 * memory starts empty, and one in Redis may have been lost. Resolves how many ids it added.
 */
export async function fillProductFilter(store: ServiceDatabase<ProductDB>, filter: BloomFilter): Promise<number> {
  let last = 0;
  let count = 0;
  for (;;) {
    const chunk = await store.db.selectFrom('products').select('id').where('id', '>', last).orderBy('id').limit(FILL_CHUNK).execute();
    if (chunk.length === 0) return count;
    await filter.addMany(chunk.map((r) => Number(r.id)));
    count += chunk.length;
    last = Number(chunk.at(-1)!.id);
  }
}

export function createProductModel(store: ServiceDatabase<ProductDB>, cache: Cache, ids: BloomFilter, log: Logger): ProductModel {
  const db = store.db;
  const rows = createRowCache<Product>({ cache, prefix: 'product' });
  const select = (on: Kysely<ProductDB>) => on.selectFrom('products').select(COLUMNS);
  let filterDown = false;

  /** The ids the filter lets through. While it cannot answer, all of them: the row cache's not-found placeholder still stops repeats. */
  const mayExist = async (wanted: readonly number[]): Promise<number[]> => {
    try {
      const answers = await ids.mightContainMany(wanted);
      filterDown = false;
      return wanted.filter((_, i) => answers[i]);
    } catch (err) {
      if (!(err instanceof SurgeError && err.code === Code.Unavailable)) throw err;
      if (!filterDown) log.warn({ err }, 'product id filter unavailable; lookups go to the cache and database unfiltered');
      filterDown = true;
      return [...wanted];
    }
  };

  const readIn = async (on: Kysely<ProductDB>, wanted: readonly number[]): Promise<Product[]> => {
    if (wanted.length === 0) return [];
    const found = new Map((await select(on).where('id', 'in', [...wanted]).execute()).map((r) => [Number(r.id), toProduct(r)]));
    return wanted.flatMap((id) => found.get(id) ?? []);
  };

  const byIds = (wanted: readonly number[]): Promise<Product[]> => rows.byIds(wanted, async (missing) => readIn(db, await mayExist(missing)));

  return {
    byIds,
    byId: async (id) => (await byIds([id]))[0],
    listed: (wanted) => rows.byIds(wanted, (missing) => readIn(db, missing)),
    readIn,

    async insert(row) {
      // Into the filter before the row exists: a read between commit and a later add would
      // otherwise be told "never created". An insert that then fails leaves one false positive.
      await ids.add(row.id);
      await store.transaction(async (trx) => {
        await trx.insertInto('products').values({ ...row, updated_at: row.created_at }).execute();
        await writeTerms(trx, row.id, row.name, row.subtitle, { fresh: true });
      });
      // A not-found placeholder may be cached for this id (looked up before it existed).
      await rows.invalidate({ id: row.id });
      return toProduct(row);
    },

    async update(id, patch, now) {
      const updated = await store.transaction(async (trx) => {
        const before = (await readIn(trx, [id]))[0];
        if (!before) return undefined;
        if (Object.keys(patch).length === 0) return { before, after: before };
        await trx.updateTable('products').set({ ...patch, updated_at: now }).where('id', '=', id).execute();
        const after = (await readIn(trx, [id]))[0]!;
        if (after.name !== before.name || after.subtitle !== before.subtitle) await writeTerms(trx, id, after.name, after.subtitle);
        return { before, after };
      });
      if (updated) await rows.invalidate({ id });
      return updated;
    },

    invalidate: async (changed) => {
      if (changed.length > 0) await rows.invalidate(...changed.map((id) => ({ id })));
    },
  };
}
