import type { FlashSale, GetSaleRequest, SaleList } from '#gen/surge/seckill/v1/seckill';
import type { SeckillDeps } from '../deps.js';
import { refusals } from '../refusals.js';
import { checkId } from '../rules.js';
import type { BookedSale } from '../sale-book.js';
import { toFlashSale } from './view.js';

/** Running and upcoming sales, soonest ending first, each with its units left now. */
export async function listSales(d: SeckillDeps): Promise<SaleList> {
  const now = d.clock.now();
  const live = d.book.live().filter((b) => b.row.end_at > now);
  return { sales: await Promise.all(live.map((b) => view(d, b, now))) };
}

export async function getSale(d: SeckillDeps, req: GetSaleRequest): Promise<FlashSale> {
  const id = checkId('id', req.id);
  const booked = await d.book.get(id);
  if (!booked) throw refusals.noSale('id');
  return view(d, booked, d.clock.now());
}

async function view(d: SeckillDeps, b: BookedSale, now: number): Promise<FlashSale> {
  const left = b.row.state === 'open' ? await d.stock.left(b.plan) : 0;
  return toFlashSale(b.row, left, now);
}
