// The product service as a module: the catalog over its own database and cache, the product id
// filter and the category lists' cache (in Redis when there is Redis), the demo catalog on an
// empty embedded start, and the stock branches the order saga calls.
import { defineServiceModule, type ModuleContext } from '#kit/service';
import { ProductServiceDefinition } from '#gen/surge/product/v1/product';
import { startBarrierPruning } from './barrier-pruning.js';
import type { ProductConfig } from './config.js';
import { seedDemoCatalog } from './demo/seed.js';
import { createProductIdFilter } from './model/id-filter.js';
import { productMigrations } from './model/migrations.js';
import { redisBumpFeed } from './model/list-bumps-redis.js';
import { createListStore } from './model/list-store.js';
import { fillProductFilter } from './model/products.js';
import type { ProductDB } from './model/tables.js';
import { defineProductService } from './service.js';

/** The configuration section the product service reads (./config.ts). */
export interface ProductSections {
  product: ProductConfig;
}

type ProductContext = ModuleContext<ProductDB, ProductSections>;

export const productModule = defineServiceModule({
  definition: ProductServiceDefinition,
  migrations: productMigrations,
  config: ['product'],
  async handlers(ctx: ProductContext) {
    const p = ctx.config.product;
    if (p.demoData && ctx.embedded) {
      const report = await seedDemoCatalog({ db: ctx.db, ids: ctx.ids, clock: ctx.clock });
      if (report.seeded) ctx.log.info(report, 'seeded the demo catalog (product.demoData: false to start empty)');
    }
    const productIds = createProductIdFilter({ redis: ctx.redis, keyPrefix: ctx.keyPrefix, expectedItems: p.bloomExpectedItems });
    // Before the first request: an id missing from the filter would read as never created.
    await fillProductFilter(ctx.db, productIds);
    const pruning = startBarrierPruning({ db: ctx.db, clock: ctx.clock, log: ctx.log, retentionMs: p.barrierRetentionDays * 86_400_000 });
    ctx.defer(() => pruning.close());
    const listStore = createListStore({
      redis: ctx.redis,
      keyPrefix: ctx.keyPrefix,
      clock: ctx.clock,
      ...(ctx.redis ? { local: { ttlMs: p.listLocalTtlMs, size: p.listCacheSize, feed: redisBumpFeed(ctx.redis, ctx.keyPrefix) } } : {}),
    });
    ctx.defer(() => listStore.close());
    return defineProductService({
      db: ctx.db,
      cache: ctx.cache(),
      productIds,
      clock: ctx.clock,
      ids: ctx.ids,
      log: ctx.log,
      homeRefreshMs: p.homeRefreshSeconds * 1000,
      rankingSize: p.rankingSize,
      listStore,
      listCacheSize: p.listCacheSize,
    });
  },
});
