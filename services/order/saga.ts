// The saga 'order.create' (decision in docs/decisions.md): branch 'stock' reserves the items at
// the product service (compensation: releases them), then branch 'order' writes the order in
// this service's own database behind its barrier (compensation: marks it cancelled) and
// schedules its payment timeout. A refusal of the stock (out of stock, off shelf, no such
// product) compensates, and CreateOrder answers that refusal.
import type { Clock } from '#kit/clock';
import { errors } from '#kit/errors';
import { defineSaga, withBarrier, type BranchRef, type SagaDefinition } from '#kit/saga';
import type { ServiceDatabase } from '#kit/store';
import type { AddressSnapshot } from '#gen/surge/order/v1/order';
import type { LineRow, OrderModel, OrderRow, StoredOrder } from './model/orders.js';
import type { OrderDB } from './model/tables.js';
import type { PaymentTimeouts } from './payment-timeouts.js';
import type { ItemRequest } from './rules.js';
import type { ReservedProduct, StockLedger } from './stock.js';

export const ORDER_CREATE = 'order.create';
/** The stock branch's name: a buyer's cancel and the payment timeout release under it too. */
export const STOCK_BRANCH = 'stock';
export const ORDER_BRANCH = 'order';

/** What the transaction carries (stored as JSON with it, so a resuming instance has it all). */
export interface OrderPayload {
  orderId: number;
  userId: number;
  /** When the order was asked for: its created_at, whichever instance writes it. */
  createdAt: number;
  items: ItemRequest[];
  address: AddressSnapshot;
}

/** The transaction of an order: one per order id, so a retried request can never start two. */
export const gidOf = (orderId: number): string => `order-${orderId}`;

/** The stock branch of an order's transaction. */
export const stockRef = (gid: string): BranchRef => ({ gid, branch: STOCK_BRANCH });

/**
 * Reserved prices handed from the stock branch to the order branch in this process. A
 * transaction resumed by another instance finds none there and asks the product service again:
 * the repeated reservation is a no-op behind its barrier and answers the products as they are
 * now. An entry is left only by a transaction that stops between the two branches (stuck, or
 * this instance closing): a few per incident, gone with the process.
 */
export class ReservedQuotes {
  private readonly byGid = new Map<string, ReservedProduct[]>();
  put(gid: string, products: ReservedProduct[]): void {
    this.byGid.set(gid, products);
  }
  take(gid: string): ReservedProduct[] | undefined {
    const products = this.byGid.get(gid);
    this.byGid.delete(gid);
    return products;
  }
}

/**
 * Orders the order branch wrote in this process, handed to the CreateOrder call that started
 * their transaction so it answers without reading them back. Only gids a call watches are kept
 * (watch, then take once it is answered), so orders written by resumed transactions leave
 * nothing behind.
 */
export class WrittenOrders {
  private readonly byGid = new Map<string, StoredOrder | undefined>();
  watch(gid: string): void {
    this.byGid.set(gid, undefined);
  }
  put(gid: string, order: StoredOrder): void {
    if (this.byGid.has(gid)) this.byGid.set(gid, order);
  }
  /** The order written under gid, if watched and written here; forgets the gid either way. */
  take(gid: string): StoredOrder | undefined {
    const order = this.byGid.get(gid);
    this.byGid.delete(gid);
    return order;
  }
}

export interface OrderSagaDeps {
  db: ServiceDatabase<OrderDB>;
  orders: OrderModel;
  stock: StockLedger;
  timeouts: PaymentTimeouts;
  quotes: ReservedQuotes;
  written: WrittenOrders;
  clock: Clock;
}

export function defineOrderSaga(d: OrderSagaDeps): SagaDefinition<OrderPayload> {
  return defineSaga<OrderPayload>(ORDER_CREATE, [
    {
      name: STOCK_BRANCH,
      async action(p, call) {
        d.quotes.put(call.gid, await d.stock.reserve(call, p.userId, p.items));
      },
      async compensate(p, call) {
        d.quotes.take(call.gid);
        await d.stock.release(call, p.userId, p.items);
      },
    },
    {
      name: ORDER_BRANCH,
      async action(p, call) {
        const reserved = d.quotes.take(call.gid) ?? (await d.stock.reserve(stockRef(call.gid), p.userId, p.items));
        const { order, lines } = orderOf(p, call.gid, reserved, d.clock.now());
        const wrote = await withBarrier(d.db, call, 'action', (trx) => d.orders.insert(trx, order, lines), { clock: d.clock });
        // Only the rows this call committed: a repeat's prices may differ from those stored.
        if (wrote.ran) d.written.put(call.gid, { order, lines });
        // Also after a repeat (ran: false): the first attempt may have failed right here.
        await d.timeouts.schedule(p.orderId, p.createdAt);
      },
      async compensate(p, call) {
        await withBarrier(d.db, call, 'compensate', (trx) => d.orders.transition(p.orderId, 'unpaid', 'cancelled', { cancel_reason: 'failed' }, d.clock.now(), trx), { clock: d.clock });
      },
    },
  ]);
}

/** The order and its lines: prices and names as reserved, the total in integer cents. */
function orderOf(p: OrderPayload, gid: string, reserved: readonly ReservedProduct[], now: number): { order: OrderRow; lines: LineRow[] } {
  const byId = new Map(reserved.map((r) => [r.productId, r]));
  let total = 0;
  const lines = p.items.map((item, idx): LineRow => {
    const product = byId.get(item.productId);
    // The product service answers every product it reserved; anything else is retried, then stuck for an operator.
    if (!product) throw errors.internal(new Error(`the stock reply of ${gid} lacks product ${item.productId}`));
    total += product.priceCents * item.quantity;
    return { order_id: p.orderId, idx, product_id: item.productId, name: product.name, image_url: product.imageUrl, price_cents: product.priceCents, quantity: item.quantity };
  });
  const order: OrderRow = {
    id: p.orderId,
    user_id: p.userId,
    gid,
    status: 'unpaid',
    total_cents: total,
    address: JSON.stringify(p.address),
    cancel_reason: '',
    payment_id: '',
    created_at: p.createdAt,
    paid_at: 0,
    updated_at: now,
  };
  return { order, lines };
}
