import type { CancelOrderRequest, Order } from '#gen/surge/order/v1/order';
import type { OrderDeps } from '../deps.js';
import { refusals } from '../refusals.js';
import { checkId } from '../rules.js';
import { changeStatus } from './change-status.js';
import { returnStock } from './return-stock.js';
import { toOrder } from './view.js';

/**
 * The buyer cancels an unpaid order, and its stock goes back (to the product, or a flash order's
 * to its sale: returnStock). The cancel is committed first; when giving the stock back fails (the
 * product or seckill service is away), the order's payment-timeout job is fired now to try again
 * in the background with back-off, and the buyer still gets the cancelled order. The job is left
 * scheduled otherwise: when it fires it finds the order cancelled and releases again, a no-op
 * behind the product's barrier or the sale's ticket, which covers a crash right after the cancel.
 */
export async function cancelOrder(d: OrderDeps, req: CancelOrderRequest): Promise<Order> {
  const userId = checkId('user_id', req.userId);
  const id = checkId('id', req.id);
  const stored = await d.orders.get(id, userId);
  if (!stored) throw refusals.noOrder('id');
  const cancelled = await changeStatus(d, stored, { from: 'unpaid', to: 'cancelled', verb: 'cancelled', set: { cancel_reason: 'buyer' } });
  try {
    await returnStock(d, cancelled);
  } catch (err) {
    d.log.warn({ err, orderId: id }, 'order: giving the stock of a cancelled order back failed; retrying in the background');
    await d.timeouts.fireNow(id).catch((fireErr: unknown) => d.log.error({ err: fireErr, orderId: id }, 'order: could not schedule the retry; the payment timeout returns the stock when it fires'));
  }
  return toOrder(cancelled);
}
