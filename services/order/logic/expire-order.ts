import type { OrderDeps } from '../deps.js';
import { returnStock } from './return-stock.js';

/**
 * What a payment timeout did: cancelled the unpaid order and returned its stock; found it
 * cancelled already and released again (a no-op at the product or the sale unless an earlier
 * release was lost); kept it (paid or later); or found no such order.
 */
export type ExpiryOutcome = 'cancelled' | 'released' | 'kept' | 'missing';

/**
 * The payment timeout of one order (a delayed job, at least once): an unpaid order is cancelled
 * with reason "timeout" by a conditional UPDATE, then a cancelled order's stock goes back
 * (returnStock: under its saga's stock branch, or a flash order's ticket to its sale). Throwing
 * (the product or seckill service is away) retries the job with back-off.
 */
export async function expireOrder(d: OrderDeps, orderId: number): Promise<ExpiryOutcome> {
  let stored = await d.orders.get(orderId);
  if (!stored) return 'missing';
  let cancelledNow = false;
  if (stored.order.status === 'unpaid') {
    cancelledNow = await d.orders.transition(orderId, 'unpaid', 'cancelled', { cancel_reason: 'timeout' }, d.clock.now());
    // Lost to a payment or a cancel in between: the status it has now decides.
    stored = (await d.orders.get(orderId)) ?? stored;
  }
  if (stored.order.status !== 'cancelled') return 'kept';
  await returnStock(d, stored);
  return cancelledNow ? 'cancelled' : 'released';
}
