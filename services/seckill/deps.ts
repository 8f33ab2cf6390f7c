// What the seckill service's use cases are given.
import type { Logger } from 'pino';
import type { Clock } from '#kit/clock';
import type { SaleModel } from './model/sales.js';
import type { SaleStock } from './model/sale-stock.js';
import type { TicketModel } from './model/tickets.js';
import type { FlashOrders } from './orders.js';
import type { SaleProducts } from './products.js';
import type { SaleBook } from './sale-book.js';

export interface SeckillDeps {
  readonly sales: SaleModel;
  readonly tickets: TicketModel;
  readonly book: SaleBook;
  readonly stock: SaleStock;
  readonly products: SaleProducts;
  readonly orders: FlashOrders;
  readonly ids: { next(): number };
  readonly clock: Clock;
  readonly log: Logger;
  /** seckill.buckets: a new sale's buckets when the admin gives none. */
  readonly defaultBuckets: number;
}
