// The sales' life cycle on a timer, one round at a time, on every instance (each step is safe to
// run twice): the book re-read, sales left 'taking' by a crash or an absent product service
// finished, and sales past their end closed: selling stops, and what was left goes back to the
// product under the branch "return".
import { startEvery } from '#kit/clock';
import type { SeckillDeps } from './deps.js';
import { openSale } from './logic/create-sale.js';
import { MAX_LIVE_SALES } from './model/sales.js';
import type { BookedSale } from './sale-book.js';

/** A sale 'taking' for less than this is left to the request creating it. */
const TAKING_GRACE_MS = 30_000;

export interface SaleKeeperOptions {
  /** Default 1000 ms. */
  everyMs?: number;
  /** Sees each sale this instance ended (tests wait on it). */
  onEnded?: (saleId: number, left: number) => void;
}

export function startSaleKeeper(d: SeckillDeps, o: SaleKeeperOptions = {}): { close(): Promise<void> } {
  return startEvery({
    clock: d.clock,
    everyMs: o.everyMs ?? 1000,
    run: async () => {
      const now = d.clock.now();
      for (const row of await d.sales.inStates(['taking'], MAX_LIVE_SALES)) {
        if (now - row.created_at < TAKING_GRACE_MS) continue;
        await openSale(d, row).catch((err: unknown) => d.log.warn({ err, saleId: row.id }, 'seckill: finishing a sale left taking failed; trying again next round'));
      }
      for (const sale of await d.book.refresh()) {
        if (sale.row.end_at <= d.clock.now()) {
          const left = await endSale(d, sale);
          o.onEnded?.(sale.row.id, left);
        }
      }
    },
    onError: (err) => d.log.warn({ err }, 'seckill: a keeper round failed; trying again next round'),
  });
}

/** Closes a sale's selling and gives what was left to the product; every step a no-op when repeated. */
export async function endSale(d: SeckillDeps, sale: BookedSale): Promise<number> {
  const left = await d.stock.end(sale.plan);
  if (left > 0) await d.products.give(sale.row.id, 'return', sale.row.product_id, left);
  const at = d.clock.now();
  if (await d.sales.move(sale.row.id, 'open', 'ended', at, left)) d.log.info({ saleId: sale.row.id, left }, 'seckill: a flash sale ended; its units left went back to the product');
  d.book.put({ ...sale.row, state: 'ended', left_at_end: left, updated_at: at });
  return left;
}
