// Input rules of the seckill service: checked before any work, each refusal naming its field.
import { errors } from '#kit/errors';
import { checkId } from '#kit/rules';
import type { CreateSaleRequest } from '#gen/surge/seckill/v1/seckill';
import { MAX_BUCKETS } from './config.js';

export { checkId };

/** Units one sale may hold. */
export const MAX_SALE_STOCK = 1_000_000;
/** Units one buyer may be allowed in one sale. */
export const MAX_PER_USER = 100;
/** The longest a sale may run. */
export const MAX_SALE_MS = 30 * 86_400_000;
/** The latest a sale may start, from now. */
export const MAX_LEAD_MS = 90 * 86_400_000;

function checkInt(field: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) throw errors.invalid(field, `must be an integer from ${min} to ${max}`);
  return value;
}

export interface SaleRequest {
  productId: number;
  priceCents: number;
  stock: number;
  startAt: number;
  endAt: number;
  perUserLimit: number;
  /** 0: the configured default. */
  buckets: number;
}

/** A new sale's fields; the price against the product's is checked once the product is read. */
export function checkSaleRequest(req: CreateSaleRequest, now: number): SaleRequest {
  const productId = checkId('product_id', req.productId);
  const priceCents = checkInt('price_cents', req.priceCents, 1, Number.MAX_SAFE_INTEGER);
  const stock = checkInt('stock', req.stock, 1, MAX_SALE_STOCK);
  const startAt = checkInt('start_at', req.startAt, 0, now + MAX_LEAD_MS);
  const endAt = checkInt('end_at', req.endAt, 0, Number.MAX_SAFE_INTEGER);
  if (endAt <= startAt) throw errors.invalid('end_at', 'must be after start_at');
  if (endAt <= now) throw errors.invalid('end_at', 'must be in the future');
  if (endAt - startAt > MAX_SALE_MS) throw errors.invalid('end_at', 'a sale lasts at most 30 days');
  const perUserLimit = checkInt('per_user_limit', req.perUserLimit, 1, MAX_PER_USER);
  const buckets = checkInt('buckets', req.buckets, 0, MAX_BUCKETS);
  if (buckets > stock) throw errors.invalid('buckets', 'must be at most stock');
  return { productId, priceCents, stock, startAt, endAt, perUserLimit, buckets };
}

/** A buy's quantity: 1 .. the sale's per-user limit (more could never be allowed). */
export function checkQuantity(quantity: number): number {
  return checkInt('quantity', quantity, 1, MAX_PER_USER);
}
