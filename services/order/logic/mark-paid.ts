import type { MarkPaidReply, MarkPaidRequest } from '#gen/surge/order/v1/order';
import type { OrderDeps } from '../deps.js';
import { refusals } from '../refusals.js';
import { checkAmount, checkId, checkKey } from '../rules.js';
import { toOrder } from './view.js';

/**
 * The pay service reports a payment. An unpaid order paid its total becomes paid (paid_at, the
 * payment id); a cancelled one (the buyer, or the payment timeout, came first) answers
 * "cancelled" so the payer refunds, and stays cancelled; a paid one answers "already_paid"; a
 * wrong amount answers "amount_mismatch" and leaves the order unpaid.
 */
export async function markPaid(d: OrderDeps, req: MarkPaidRequest): Promise<MarkPaidReply> {
  const id = checkId('order_id', req.orderId);
  const paymentId = checkKey('payment_id', req.paymentId, false);
  const amount = checkAmount(req.amountCents);
  // Twice at most: a change that beat ours moved the order out of unpaid, and no status leads back.
  for (;;) {
    const stored = await d.orders.get(id);
    if (!stored) throw refusals.noOrder('order_id');
    const { order } = stored;
    if (order.status === 'cancelled') return { outcome: 'cancelled', order: toOrder(stored) };
    if (order.status !== 'unpaid') return { outcome: 'already_paid', order: toOrder(stored) };
    if (amount !== Number(order.total_cents)) return { outcome: 'amount_mismatch', order: toOrder(stored) };
    const now = d.clock.now();
    const set = { paid_at: now, payment_id: paymentId };
    if (await d.orders.transition(id, 'unpaid', 'paid', set, now)) {
      // The timeout would find the order paid and do nothing; dropping it only saves the firing.
      await d.timeouts.cancel(id).catch((err: unknown) => d.log.warn({ err, orderId: id }, 'order: could not drop the payment timeout of a paid order; it will fire and find the order paid'));
      return { outcome: 'paid', order: toOrder({ order: { ...order, ...set, status: 'paid', updated_at: now }, lines: stored.lines }) };
    }
  }
}
