// A product service over a test database, for the service's own tests: the real models, an
// in-process cache and id filter, a manual clock (the home blocks age on it), a count of the SQL
// statements run, and each RPC callable with its request alone.
import type { KyselyPlugin } from 'kysely';
import pino from 'pino';
import { createMemoryBloomFilter, type BloomFilter } from '#kit/bloom';
import { createCache } from '#kit/cache';
import { ManualClock, systemClock } from '#kit/clock';
import { createIdGenerator } from '#kit/ids';
import { createCallContext } from '#kit/rpc';
import type { ServiceDatabase } from '#kit/store';
import type { TestDatabaseKind } from '#kit/testing';
import type { Category, CreateProductRequest, Product } from '#gen/surge/product/v1/product';
import { productMigrations } from '../model/migrations.js';
import { createListStore, type ListRedis } from '../model/list-store.js';
import { fillProductFilter } from '../model/products.js';
import type { ProductDB } from '../model/tables.js';
import { defineProductService, type ProductService } from '../service.js';

/** The service's methods, each called with its request alone (a fresh call context each time). */
export type ProductCalls = { [K in keyof ProductService]: (req: Parameters<ProductService[K]>[0]) => ReturnType<ProductService[K]> };

export interface ProductFixture {
  rpc: ProductCalls;
  service: ProductService;
  /** The database the service runs on (counted), and the same one uncounted. */
  db: ServiceDatabase<ProductDB>;
  raw: ServiceDatabase<ProductDB>;
  clock: ManualClock;
  productIds: BloomFilter;
  /** SQL statements run through `db` so far. */
  queries(): number;
  category(name: string, parentId?: number): Promise<Category>;
  /** CreateProduct with defaults for the fields not given (on sale, 100 in stock, ¥10.00). */
  product(fields: Partial<CreateProductRequest> & { categoryId: number; name: string }): Promise<Product>;
  /** The same database with a fresh service (empty cache; its filter filled from the database), as after a restart or on another instance. */
  restart(o?: ProductFixtureOptions): Promise<ProductFixture>;
}

export interface ProductFixtureOptions {
  homeRefreshMs?: number;
  rankingSize?: number;
  /** The id filter; default a new one in process memory. */
  productIds?: BloomFilter;
  /** The category lists' Redis and key prefix; default in process memory. */
  listRedis?: ListRedis;
  keyPrefix?: string;
  /** Ids cached per category list; 0 = no list cache. Default the service's (500). */
  listCacheSize?: number;
}

export async function openProductFixture(kind: TestDatabaseKind, o: ProductFixtureOptions = {}): Promise<ProductFixture> {
  return build(await kind.open<ProductDB>('product', productMigrations), o, new ManualClock(Date.now()));
}

function counting(sdb: ServiceDatabase<ProductDB>): { sdb: ServiceDatabase<ProductDB>; queries: () => number } {
  let n = 0;
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      n++;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { sdb: Object.create(sdb, { db: { value: sdb.db.withPlugin(plugin) } }) as ServiceDatabase<ProductDB>, queries: () => n };
}

async function build(raw: ServiceDatabase<ProductDB>, o: ProductFixtureOptions, clock: ManualClock): Promise<ProductFixture> {
  const { sdb, queries } = counting(raw);
  const productIds = o.productIds ?? createMemoryBloomFilter({ expectedItems: 100_000 });
  await fillProductFilter(raw, productIds);
  const service = defineProductService({
    db: sdb,
    cache: createCache({ name: 'product', local: { maxEntries: 10_000, ttlMs: 60_000 }, clock: systemClock }),
    productIds,
    clock,
    ids: createIdGenerator({ workerId: 1, clock: systemClock }),
    log: pino({ level: 'silent' }),
    ...(o.homeRefreshMs === undefined ? {} : { homeRefreshMs: o.homeRefreshMs }),
    ...(o.rankingSize === undefined ? {} : { rankingSize: o.rankingSize }),
    ...(o.listRedis === undefined ? {} : { listStore: createListStore({ redis: o.listRedis, keyPrefix: o.keyPrefix ?? 'surge:', clock }) }),
    ...(o.listCacheSize === undefined ? {} : { listCacheSize: o.listCacheSize }),
  });
  const ctx = () => createCallContext({ clock: systemClock, timeoutMs: 30_000 });
  const rpc = Object.fromEntries(Object.entries(service).map(([name, fn]) => [name, (req: unknown) => (fn as (r: unknown, c: unknown) => unknown)(req, ctx())])) as ProductCalls;
  return {
    rpc,
    service,
    db: sdb,
    raw,
    clock,
    productIds,
    queries,
    category: (name, parentId = 0) => rpc.createCategory({ name, parentId, sort: 0 }),
    product: (fields) => rpc.createProduct({ priceCents: 1000, stock: 100, subtitle: '', detail: '', imageUrls: [], ...fields }),
    restart: (next = {}) => build(raw, next, clock),
  };
}
