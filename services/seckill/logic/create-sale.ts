import { Code, SurgeError, errors } from '#kit/errors';
import type { CreateSaleRequest, FlashSale } from '#gen/surge/seckill/v1/seckill';
import type { SeckillDeps } from '../deps.js';
import type { SaleRow } from '../model/sales.js';
import { refusals } from '../refusals.js';
import { checkSaleRequest } from '../rules.js';
import { toFlashSale } from './view.js';

/**
 * An admin's new sale: the product read (its name, picture and price; the sale price may not
 * exceed it), the sale written 'taking', then its units taken from the product and loaded into
 * the sale stock (openSale). When the product refuses (fewer units, off shelf) the sale is
 * 'failed' and the refusal is the answer; when the product service does not answer, the sale
 * stays 'taking' and the keeper finishes it later.
 */
export async function createSale(d: SeckillDeps, req: CreateSaleRequest): Promise<FlashSale> {
  const now = d.clock.now();
  const r = checkSaleRequest(req, now);
  const product = await d.products.get(r.productId);
  if (!product) throw new SurgeError(Code.NotFound, 'product_id: no such product', { details: { field: 'product_id', resource: 'product' } });
  if (r.priceCents > product.priceCents) throw refusals.priceAbove(product.priceCents);
  const row: SaleRow = {
    id: d.ids.next(),
    product_id: r.productId,
    name: product.name,
    image_url: product.imageUrl,
    price_cents: r.priceCents,
    original_price_cents: product.priceCents,
    stock: r.stock,
    buckets: Math.min(r.buckets || d.defaultBuckets, r.stock),
    per_user_limit: r.perUserLimit,
    start_at: r.startAt,
    end_at: r.endAt,
    state: 'taking',
    left_at_end: 0,
    created_at: now,
    updated_at: now,
  };
  await d.sales.insert(row);
  const open = await openSale(d, row);
  return toFlashSale(open, open.stock, d.clock.now());
}

/**
 * Takes a 'taking' sale's units from the product (the product's barrier makes a repeat a no-op)
 * and loads them into the sale stock, then marks it open. A refusal marks it failed and is
 * thrown; any other failure leaves it 'taking' for the keeper's next round.
 */
export async function openSale(d: SeckillDeps, row: SaleRow): Promise<SaleRow> {
  try {
    await d.products.take(row.id, row.product_id, row.stock);
  } catch (err) {
    if (err instanceof SurgeError && (err.code === Code.FailedPrecondition || err.code === Code.NotFound)) {
      await d.sales.move(row.id, 'taking', 'failed', d.clock.now());
      throw new SurgeError(err.code, `stock: the product cannot give ${row.stock} units (${err.message})`, { details: { field: 'stock' }, cause: err });
    }
    throw err instanceof SurgeError && err.code !== Code.Internal ? err : errors.unavailable('product service', err);
  }
  const open: SaleRow = { ...row, state: 'open' };
  const { plan } = d.book.put(open);
  await d.stock.load(plan);
  await d.sales.move(row.id, 'taking', 'open', d.clock.now());
  return open;
}
