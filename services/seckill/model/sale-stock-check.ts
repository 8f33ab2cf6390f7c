// The argument checks both SaleStock adapters make before they touch a bucket. They guard the
// stock itself, not user input (the service checks that first): a quantity of 0 or less would add
// units instead of taking them, and a bucket outside the plan would create a stray bucket.
import { errors } from '#kit/errors';
import { MAX_BUCKETS } from '../config.js';
import type { Reservation, SalePlan } from './sale-stock.js';

const isCount = (n: number, min: number) => Number.isSafeInteger(n) && n >= min;

export function checkPlan(plan: SalePlan): void {
  if (!isCount(plan.saleId, 0)) throw errors.invalid('saleId', 'must be an integer >= 0');
  if (!isCount(plan.stock, 0)) throw errors.invalid('stock', 'must be an integer >= 0');
  if (!isCount(plan.buckets, 1) || plan.buckets > MAX_BUCKETS) throw errors.invalid('buckets', `must be an integer in 1..${MAX_BUCKETS}`);
  if (!isCount(plan.perUserLimit, 1)) throw errors.invalid('perUserLimit', 'must be an integer >= 1');
}

/** A buy of the plan's sale, of at least one unit. */
export function checkReservation(plan: SalePlan, r: Reservation): void {
  checkPlan(plan);
  if (r.saleId !== plan.saleId) throw errors.invalid('saleId', `the reservation is for sale ${r.saleId}, the plan for sale ${plan.saleId}`);
  checkQuantity(r.quantity);
}

export function checkQuantity(quantity: number): void {
  if (!isCount(quantity, 1)) throw errors.invalid('quantity', 'must be an integer >= 1');
}

export function checkBucket(plan: SalePlan, bucket: number): void {
  if (!isCount(bucket, 0) || bucket >= plan.buckets) throw errors.invalid('bucket', `must be an integer in 0..${plan.buckets - 1}`);
}

/** take()'s arguments: at least one ticket, a wait of 0 or more. */
export function checkTake(max: number, waitMs: number): void {
  if (!isCount(max, 1)) throw errors.invalid('max', 'must be an integer >= 1');
  if (!Number.isFinite(waitMs) || waitMs < 0) throw errors.invalid('waitMs', 'must be a number >= 0');
}
