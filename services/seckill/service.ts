// Wires the seckill service: its sales and tickets over its own database, the sale stock (Redis or
// memory, chosen by the module), the product and order services through their clients, then one
// handler per RPC method, each a use case in logic/. The background work (the keeper's rounds,
// the ticket worker, the demo sale) starts separately, once every module of the process is
// registered, because it calls the product and order services.
import type { Logger } from 'pino';
import type { Clock } from '#kit/clock';
import type { ServiceImpl } from '#kit/rpc';
import type { Closable } from '#kit/service';
import type { ServiceDatabase } from '#kit/store';
import { SeckillServiceDefinition } from '#gen/surge/seckill/v1/seckill';
import { openDemoSale } from './demo.js';
import type { SeckillDeps } from './deps.js';
import { buy } from './logic/buy.js';
import { createSale } from './logic/create-sale.js';
import { getTicket } from './logic/get-ticket.js';
import { releaseTicket } from './logic/release-ticket.js';
import { getSale, listSales } from './logic/sales.js';
import { createSaleModel } from './model/sales.js';
import type { ReservedTicket, SalePlan, SaleStock } from './model/sale-stock.js';
import type { SeckillDB } from './model/tables.js';
import { createTicketModel, type TicketOutcome, type TicketRow } from './model/tickets.js';
import type { FlashOrders } from './orders.js';
import type { DemoProducts, SaleProducts } from './products.js';
import { createSaleBook } from './sale-book.js';
import { startSaleKeeper } from './sale-keeper.js';
import { startTicketWorker } from './ticket-worker.js';

/** Rebuilds an in-process sale stock from the database at start (embedded); absent for Redis, which keeps its own. */
export interface StockRestorer {
  /** The journal's tickets that wait for their orders (read once, first). */
  waiting(): Promise<ReservedTicket[]>;
  /** One sale: its written tickets and those of its tickets that wait. */
  restore(plan: SalePlan, tickets: readonly TicketRow[], waiting: readonly ReservedTicket[], endedLeft?: number): void;
}

export interface SeckillServiceOptions {
  db: ServiceDatabase<SeckillDB>;
  stock: SaleStock;
  restore?: StockRestorer;
  products: SaleProducts & DemoProducts;
  orders: FlashOrders;
  clock: Clock;
  ids: { next(): number };
  log: Logger;
  /** seckill.buckets */
  defaultBuckets: number;
  /** seckill.orderBatchSize */
  orderBatchSize: number;
  /** Open a demo sale at start when none is open (embedded demo data). */
  demoSale: boolean;
  /** Default 1000 ms between the keeper's rounds. */
  keeperEveryMs?: number;
  /** Sees each batch of tickets the worker finished. */
  onTickets?: (outcomes: readonly TicketOutcome[]) => void;
}

export type SeckillHandlers = ServiceImpl<typeof SeckillServiceDefinition>;

export interface SeckillService {
  readonly handlers: SeckillHandlers;
  readonly deps: SeckillDeps;
  /** Rebuilds the stock (embedded), opens the demo sale, starts the keeper and the ticket worker. */
  start(): Promise<Closable>;
}

export function defineSeckillService(o: SeckillServiceOptions): SeckillService {
  const sales = createSaleModel(o.db);
  const tickets = createTicketModel(o.db);
  const d: SeckillDeps = {
    sales,
    tickets,
    book: createSaleBook({ sales, clock: o.clock }),
    stock: o.stock,
    products: o.products,
    orders: o.orders,
    ids: o.ids,
    clock: o.clock,
    log: o.log,
    defaultBuckets: o.defaultBuckets,
  };
  const handlers: SeckillHandlers = {
    createSale: (req) => createSale(d, req),
    listSales: () => listSales(d),
    getSale: (req) => getSale(d, req),
    buy: (req) => buy(d, req),
    getTicket: (req) => getTicket(d, req),
    releaseTicket: (req) => releaseTicket(d, req),
  };
  return {
    handlers,
    deps: d,
    async start() {
      const open = await d.book.refresh();
      if (o.restore) await restoreStock(d, o.restore, open.map((b) => b.row.id));
      if (o.demoSale) await openDemoSale(d, o.products).catch((err: unknown) => o.log.warn({ err }, 'seckill: opening the demo flash sale failed'));
      const keeper = startSaleKeeper(d, o.keeperEveryMs === undefined ? {} : { everyMs: o.keeperEveryMs });
      const worker = startTicketWorker(d, { batchSize: o.orderBatchSize, ...(o.onTickets ? { onBatch: o.onTickets } : {}) });
      return {
        async close() {
          await keeper.close();
          await worker.close();
        },
      };
    },
  };
}

/** Open sales, and ended ones whose tickets still wait for their orders, rebuilt from their tickets. */
async function restoreStock(d: SeckillDeps, r: StockRestorer, openIds: readonly number[]): Promise<void> {
  const waiting = new Map<number, ReservedTicket[]>();
  for (const t of await r.waiting()) {
    const list = waiting.get(t.saleId);
    if (list) list.push(t);
    else waiting.set(t.saleId, [t]);
  }
  // salesWithReserved: 'reserved' rows, which databases written before the journal table hold.
  const ids = new Set([...openIds, ...(await d.tickets.salesWithReserved()), ...waiting.keys()]);
  for (const id of ids) {
    const sale = await d.book.get(id);
    if (!sale) continue;
    r.restore(sale.plan, await d.tickets.ofSale(id), waiting.get(id) ?? [], sale.row.state === 'ended' ? sale.row.left_at_end : undefined);
  }
}
