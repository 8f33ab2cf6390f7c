// The seckill service as a module: sales and tickets over its own database; the sale stock in
// Redis when there is Redis (its buckets over seckill.redisUrls, or the shared connection), in
// this process's memory with every reservation written to SQLite otherwise; the product service
// (units taken and given back) and the order service (orders of tickets) through their clients.
import { errors } from '#kit/errors';
import { connectRedis, redisReady, type Redis } from '#kit/redis';
import { defineServiceModule, instanceName, type ModuleContext } from '#kit/service';
import { OrderServiceDefinition } from '#gen/surge/order/v1/order';
import { ProductServiceDefinition } from '#gen/surge/product/v1/product';
import { SeckillServiceDefinition } from '#gen/surge/seckill/v1/seckill';
import type { SeckillConfig } from './config.js';
import { seckillMigrations } from './model/migrations.js';
import { createMemorySaleStock } from './model/sale-stock-memory.js';
import { createRedisSaleStock } from './model/sale-stock-redis.js';
import type { SaleStock } from './model/sale-stock.js';
import type { SeckillDB } from './model/tables.js';
import { createTicketJournal } from './model/ticket-journal.js';
import { createTicketModel, type TicketOutcome } from './model/tickets.js';
import { flashOrders } from './orders.js';
import { saleProducts } from './products.js';
import { defineSeckillService, type SeckillService, type StockRestorer } from './service.js';

/** The configuration section the seckill service reads (./config.ts). */
export interface SeckillSections {
  seckill: SeckillConfig;
}

/** Overrides the module takes (ModuleContext.overrides): an observer of finished ticket batches, for tests and benches. */
export interface SeckillOverrides {
  onFlashTickets?: (outcomes: readonly TicketOutcome[]) => void;
}

const calls = { products: ProductServiceDefinition, orders: OrderServiceDefinition };

type SeckillContext = ModuleContext<SeckillDB, SeckillSections, typeof calls>;

/** Built by handlers(), started by consumers(); keyed by context so two hosts in one process keep their own. */
const built = new WeakMap<SeckillContext, SeckillService>();

export const seckillModule = defineServiceModule({
  definition: SeckillServiceDefinition,
  migrations: seckillMigrations,
  config: ['seckill'],
  calls,
  async handlers(ctx: SeckillContext) {
    const c = ctx.config.seckill;
    const { stock, restore, ready } = openSaleStock(ctx);
    // The stock's own connections have no offline queue: wait for them (a Redis still down after
    // that is answered per call, Unavailable, and reconnected to in the background).
    await ready;
    ctx.defer(() => stock.close());
    const { onFlashTickets } = ctx.overrides as SeckillOverrides;
    const service = defineSeckillService({
      db: ctx.db,
      stock,
      ...(restore ? { restore } : {}),
      products: saleProducts(ctx.clients.products),
      orders: flashOrders(ctx.clients.orders),
      clock: ctx.clock,
      ids: ctx.ids,
      log: ctx.log,
      defaultBuckets: c.buckets,
      orderBatchSize: c.orderBatchSize,
      demoSale: c.demoSale && ctx.embedded,
      ...(onFlashTickets ? { onTickets: onFlashTickets } : {}),
    });
    built.set(ctx, service);
    return service.handlers;
  },
  async consumers(ctx: SeckillContext) {
    const service = built.get(ctx);
    if (!service) throw errors.internal(new Error('seckill: the host called consumers() before handlers()'));
    return service.start();
  },
});

/** Redis when the process has it (the buckets' own nodes when seckill.redisUrls names them); memory + SQLite embedded. */
function openSaleStock(ctx: SeckillContext): { stock: SaleStock; restore?: StockRestorer; ready?: Promise<unknown> } {
  const c = ctx.config.seckill;
  if (ctx.redis) {
    // Connections of their own with auto pipelining: the buys of one event-loop turn go to Redis in one write.
    const nodes: Redis[] = c.redisUrls.length === 0 ? [ctx.redis.duplicate({ enableAutoPipelining: true, connectionName: 'surge-seckill' })] : c.redisUrls.map((url, i) => connectRedis({ url, name: `surge-seckill-${i}`, autoPipelining: true }));
    for (const n of nodes) n.on('error', () => {});
    ctx.defer(async () => Promise.all(nodes.map((n) => n.quit().catch(() => n.disconnect()))));
    return {
      stock: createRedisSaleStock({ nodes, keyPrefix: ctx.keyPrefix, consumer: instanceName(), claimIdleMs: c.claimIdleMs }),
      ready: Promise.all(nodes.map((n) => redisReady(n).catch(() => undefined))),
    };
  }
  const journal = createTicketJournal(ctx.db, createTicketModel(ctx.db));
  const stock = createMemorySaleStock({ persist: (group) => journal.append(group), settle: (done) => journal.settle(done), claimIdleMs: c.claimIdleMs });
  const restore: StockRestorer = {
    waiting: () => journal.recover(),
    restore: (plan, rows, waiting, endedLeft) =>
      stock.restore(
        plan,
        [
          ...rows.map((r) => ({ ticketId: r.id, userId: r.user_id, bucket: r.bucket, quantity: r.quantity, status: r.status, addressId: r.address_id, at: r.created_at })),
          ...waiting.map((t) => ({ ...t, status: 'reserved' as const })),
        ],
        endedLeft,
      ),
  };
  return { stock, restore };
}
