import { Code, SurgeError } from '#kit/errors';
import type { CallContext } from '#kit/rpc';
import type { CreatePaymentRequest, Payment } from '#gen/surge/pay/v1/pay';
import type { PayDeps } from '../deps.js';
import { refusals } from '../refusals.js';
import { checkId, checkSimulate } from '../rules.js';
import { settlePayment } from './settle-payment.js';
import { startPayment } from './start-payment.js';
import { toPayment } from './view.js';

/**
 * Pays an unpaid order of the user (purpose "order", its id as the reference): the amount is the order's total as the order service says it.
 * While the order has a pending payment that one is answered (the unique key on (purpose,
 * reference, open) decides between two racing calls); a new one is written pending, then the
 * provider is asked to charge it. A provider that refuses leaves the payment failed, so the buyer
 * can try again.
 */
export async function createPayment(d: PayDeps, req: CreatePaymentRequest, ctx: CallContext): Promise<Payment> {
  const userId = checkId('user_id', req.userId);
  const orderId = checkId('order_id', req.orderId);
  const simulate = checkSimulate(req.simulate);
  const order = await d.orders.get(userId, orderId, ctx);
  if (!order) throw refusals.noOrder();
  if (order.status !== 'unpaid') throw refusals.orderNotUnpaid(order.status);
  const pending = await d.payments.pendingOf(orderId);
  if (pending) return toPayment(pending);
  // A payment of this order went through while the order service missed it (it answers
  // unpaid): tell the order now instead of charging the buyer a second time.
  const paidBefore = await d.payments.unsettledPaidOf(orderId);
  if (paidBefore) {
    await settlePayment(d, paidBefore, ctx);
    throw refusals.orderNotUnpaid('paid');
  }

  const now = d.clock.now();
  const row = { id: d.ids.next(), order_id: orderId, user_id: userId, purpose: 'order', reference: String(orderId), amount_cents: order.totalCents, provider: d.provider.name, created_at: now };
  const started = await startPayment(d, row, simulate);
  if (started) return toPayment(started);
  // Another call made the order's pending payment between our read and our write: answer it.
  const winner = await d.payments.pendingOf(orderId);
  if (winner) return toPayment(winner);
  // That payment was already notified too (paid or failed): the buyer asks again and sees where it stands.
  throw new SurgeError(Code.FailedPrecondition, 'order_id: a payment of this order was just settled; read the order and try again', { details: { field: 'order_id' } });
}
