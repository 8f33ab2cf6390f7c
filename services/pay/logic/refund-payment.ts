import type { PayDeps } from '../deps.js';
import type { PaymentRow } from '../model/payments.js';

/**
 * Refunds a paid payment exactly once: paid → refunded (refund due) is one conditional UPDATE, so
 * of any number of callers (two notifications, a notification and the reconciliation, two
 * instances) one goes on to ask the provider. True when this call made the refund.
 */
export async function refundPayment(d: PayDeps, row: PaymentRow): Promise<boolean> {
  const id = Number(row.id);
  if (!(await d.payments.transition(id, 'paid', 'refunded', { refund_due: 1 }, d.clock.now()))) return false;
  d.log.info({ paymentId: id, orderId: Number(row.order_id), amountCents: Number(row.amount_cents) }, 'pay: refunding a payment whose order was cancelled before it was paid');
  await askProviderToRefund(d, row);
  return true;
}

/**
 * Asks the provider for a recorded refund (refund due) and marks it done once it answers. The
 * provider's refund is idempotent by payment id, so asking again after a failure is safe; a
 * failure leaves the refund due for the reconciliation. True when the provider confirmed it.
 */
export async function askProviderToRefund(d: PayDeps, row: PaymentRow): Promise<boolean> {
  const id = Number(row.id);
  try {
    await d.provider.refund({ paymentId: id, amountCents: Number(row.amount_cents) });
  } catch (err) {
    // Safe to carry on: the row keeps refund_due = 1 and the reconciliation asks again.
    d.log.warn({ err, paymentId: id }, 'pay: the provider did not confirm a refund; the reconciliation asks again');
    return false;
  }
  await d.payments.refundConfirmed(id);
  await d.payments.settle(id, 'refunded');
  return true;
}
