// Wires the product service: models over the service's own database and cache, the id filter,
// the category lists' cache, the home blocks kept in process, then one handler per RPC method,
// each a use case in logic/.
import type { Logger } from 'pino';
import type { BloomFilter } from '#kit/bloom';
import type { Cache } from '#kit/cache';
import type { Clock } from '#kit/clock';
import type { ServiceImpl } from '#kit/rpc';
import type { ServiceDatabase } from '#kit/store';
import { ProductServiceDefinition } from '#gen/surge/product/v1/product';
import type { ProductDeps } from './deps.js';
import { createCategory } from './logic/create-category.js';
import { createProduct } from './logic/create-product.js';
import { getProducts } from './logic/get-products.js';
import { giveStock } from './logic/give-stock.js';
import { home } from './logic/home.js';
import { listCategories } from './logic/list-categories.js';
import { listFavorites } from './logic/list-favorites.js';
import { listProducts } from './logic/list-products.js';
import { recommend } from './logic/recommend.js';
import { releaseStock } from './logic/release-stock.js';
import { reserveStock } from './logic/reserve-stock.js';
import { search } from './logic/search.js';
import { setFavorite } from './logic/set-favorite.js';
import { takeStock } from './logic/take-stock.js';
import { updateProduct } from './logic/update-product.js';
import { createCategoryModel } from './model/categories.js';
import { createCategoryLists } from './model/category-lists.js';
import { createFavoriteModel } from './model/favorites.js';
import { createRefreshingValue } from './model/home-blocks.js';
import { readHome } from './model/home.js';
import type { ListStore } from './model/list-entries.js';
import { createMemoryListStore } from './model/list-store-memory.js';
import { createListModel } from './model/lists.js';
import { createProductModel } from './model/products.js';
import { createStockModel } from './model/stock.js';
import type { ProductDB } from './model/tables.js';
import { createTasteModel } from './model/tastes.js';

export interface ProductServiceOptions {
  db: ServiceDatabase<ProductDB>;
  /** The row cache's and the category tree's. */
  cache: Cache;
  /**
   * Every product id ever created (createMemoryBloomFilter in one process, createRedisBloomFilter
   * shared by instances); fill it with fillProductFilter() before serving.
   */
  productIds: BloomFilter;
  clock: Clock;
  ids: { next(): number };
  log: Logger;
  /** How old the home blocks may get before a read refreshes them. Default 30_000 ms. */
  homeRefreshMs?: number;
  /** Best sellers on the home page. Default 10. */
  rankingSize?: number;
  /**
   * Where the category lists are cached (createListStore: in Redis, with or without each
   * instance's own copy, or in this process); the caller closes it. Default: this process only.
   */
  listStore?: ListStore;
  /** Ids cached per category list and order (product.listCacheSize); 0 turns the cache off. Default 500: 25 pages of 20. */
  listCacheSize?: number;
  /** How long a cached list is kept, before ±5% jitter: a safety net, writes drop lists at once. Default 60_000 ms. */
  listCacheTtlMs?: number;
}

export type ProductService = ServiceImpl<typeof ProductServiceDefinition>;

export function defineProductService(o: ProductServiceOptions): ProductService {
  const tastes = createTasteModel(o.db);
  const rankingSize = o.rankingSize ?? 10;
  const categories = createCategoryModel(o.db, o.cache);
  const lists = createListModel(o.db.db);
  const d: ProductDeps = {
    store: o.db,
    products: createProductModel(o.db, o.cache, o.productIds, o.log),
    categories,
    lists,
    categoryLists: createCategoryLists({
      store: o.listStore ?? createMemoryListStore(o.clock),
      lists,
      categories,
      size: o.listCacheSize ?? 500,
      ttlMs: o.listCacheTtlMs ?? 60_000,
      log: o.log,
    }),
    favorites: createFavoriteModel(o.db, tastes),
    tastes,
    stock: createStockModel(o.db.db),
    home: createRefreshingValue({ load: () => readHome(o.db.db, rankingSize), refreshMs: o.homeRefreshMs ?? 30_000, clock: o.clock, log: o.log }),
    ids: o.ids,
    clock: o.clock,
    log: o.log,
  };
  return {
    listCategories: (req) => listCategories(d, req),
    createCategory: (req) => createCategory(d, req),
    createProduct: (req) => createProduct(d, req),
    updateProduct: (req) => updateProduct(d, req),
    getProducts: (req) => getProducts(d, req),
    listProducts: (req) => listProducts(d, req),
    search: (req) => search(d, req),
    home: (req) => home(d, req),
    recommend: (req) => recommend(d, req),
    setFavorite: (req) => setFavorite(d, req),
    listFavorites: (req) => listFavorites(d, req),
    reserveStock: (req) => reserveStock(d, req),
    releaseStock: (req) => releaseStock(d, req),
    takeStock: (req) => takeStock(d, req),
    giveStock: (req) => giveStock(d, req),
  };
}
