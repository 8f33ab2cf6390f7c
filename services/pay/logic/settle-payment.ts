import type { CallContext } from '#kit/rpc';
import type { PayDeps } from '../deps.js';
import type { PaymentRow } from '../model/payments.js';
import { refundPayment } from './refund-payment.js';

/** What telling the order about a paid payment came to. */
export type SettleOutcome =
  /** The order is paid by this payment (now, or it already was). */
  | 'settled'
  /** The order had been cancelled (the buyer, or its payment timeout, came first): this call refunded the payment. */
  | 'refunded'
  /** The order had been cancelled, and another caller (a twin notification, another instance's pass) refunded the payment. */
  | 'refunded elsewhere'
  /** The order is paid by another payment, or disagrees on the amount: left unsettled, for the reconciliation's report. */
  | 'disputed';

/**
 * Tells the order service a payment is paid (MarkPaid, idempotent on its side) and acts on its
 * answer. A cancelled order is never marked paid or refunded there (it was never paid); only the
 * payment is refunded at the provider, once. Errors of the order service pass through: the
 * payment stays unsettled and the reconciliation tells the order later.
 */
export async function settlePayment(d: PayDeps, row: PaymentRow, parent?: CallContext): Promise<SettleOutcome> {
  const id = Number(row.id);
  // A payment of another purpose has no order to tell: pay.paid, written when it became paid, is its news.
  if (row.purpose !== 'order') {
    await d.payments.settle(id, 'paid');
    return 'settled';
  }
  const orderId = Number(row.order_id);
  const { outcome, order } = await d.orders.markPaid(orderId, id, Number(row.amount_cents), parent);
  if (outcome === 'paid' || (outcome === 'already_paid' && order?.paymentId === String(id))) {
    await d.payments.settle(id, 'paid');
    return 'settled';
  }
  if (outcome === 'cancelled') return (await refundPayment(d, row)) ? 'refunded' : 'refunded elsewhere';
  d.log.error({ paymentId: id, orderId, outcome, orderPaymentId: order?.paymentId }, 'pay: the order does not take this paid payment; left for the reconciliation report');
  return 'disputed';
}
