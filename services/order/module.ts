// The order service as a module: addresses and orders over its own database, the saga
// 'order.create' coordinated from it (its transactions in the same database), the product
// service's stock branches, the cart and the seckill service's tickets through their clients,
// and the payment timeouts as delayed jobs (in Redis when there is Redis, in process otherwise).
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { createMemoryDelayStore, createRedisDelayStore } from '#kit/delay';
import { errors } from '#kit/errors';
import { defineServiceModule, type ModuleContext } from '#kit/service';
import { CartServiceDefinition } from '#gen/surge/cart/v1/cart';
import { OrderServiceDefinition } from '#gen/surge/order/v1/order';
import { ProductServiceDefinition } from '#gen/surge/product/v1/product';
import { SeckillServiceDefinition } from '#gen/surge/seckill/v1/seckill';
import { cartReader } from './cart.js';
import type { OrderConfig } from './config.js';
import { flashStockLedger, type FlashStock } from './flash-stock.js';
import type { ExpiryOutcome } from './logic/expire-order.js';
import { orderMigrations } from './model/migrations.js';
import type { OrderDB } from './model/tables.js';
import { defineOrderService, type OrderService } from './service.js';
import { stockLedger } from './stock.js';

/** The configuration section the order service reads (./config.ts). */
export interface OrderSections {
  order: OrderConfig;
}

/**
 * Overrides the order module takes (ModuleContext.overrides), for tests: an observer of payment
 * timeouts, and the flash sales' units in place of the seckill service's.
 */
export interface OrderOverrides {
  onOrderExpired?: (orderId: number, outcome: ExpiryOutcome) => void;
  flashStock?: FlashStock;
}

const calls = { products: ProductServiceDefinition, cart: CartServiceDefinition, seckill: SeckillServiceDefinition };

type OrderContext = ModuleContext<OrderDB, OrderSections, typeof calls>;

/**
 * The service built by handlers(), started by consumers(): the host gives both the same context,
 * and calls consumers() once every module of the process is registered, which the background work
 * needs (it calls the product service). Keyed by context, so two hosts in one process (tests
 * running two instances) each keep their own.
 */
const built = new WeakMap<OrderContext, OrderService>();

/** A name for this instance's saga coordinator, unique among those sharing the database (host:pid:random). */
function instanceName(): string {
  const host = hostname().replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 40) || 'host';
  return `${host}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

export const orderModule = defineServiceModule({
  definition: OrderServiceDefinition,
  migrations: orderMigrations,
  config: ['order'],
  calls,
  handlers(ctx: OrderContext) {
    const { onOrderExpired, flashStock } = ctx.overrides as OrderOverrides;
    const service = defineOrderService({
      db: ctx.db,
      clock: ctx.clock,
      ids: ctx.ids,
      log: ctx.log,
      stock: stockLedger(ctx.clients.products),
      flashStock: flashStock ?? flashStockLedger(ctx.clients.seckill),
      cart: cartReader(ctx.clients.cart),
      // Durable and shared by the instances in Redis; in process (re-scheduled at each start) without.
      delayStore: ctx.redis ? createRedisDelayStore({ redis: ctx.redis, namespace: 'order', keyPrefix: `${ctx.keyPrefix}delay:` }) : createMemoryDelayStore(),
      paymentTimeoutMs: ctx.config.order.paymentTimeoutSeconds * 1000,
      owner: instanceName(),
      metrics: ctx.metrics,
      ...(onOrderExpired ? { onExpired: onOrderExpired } : {}),
    });
    built.set(ctx, service);
    ctx.defer(() => service.close());
    return service.handlers;
  },
  async consumers(ctx: OrderContext) {
    const service = built.get(ctx);
    if (!service) throw errors.internal(new Error('order: the host called consumers() before handlers()'));
    return service.start();
  },
});
