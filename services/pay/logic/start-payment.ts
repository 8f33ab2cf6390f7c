import { errors } from '#kit/errors';
import type { PayDeps } from '../deps.js';
import type { PaymentRow } from '../model/payments.js';

/** A new payment's fields, before it is written pending. */
export type NewPayment = Omit<PaymentRow, 'status' | 'open' | 'refund_due' | 'settled' | 'paid_at' | 'updated_at'>;

/**
 * Writes the payment pending, then asks the provider to charge it. Undefined when another call
 * made the pending payment of the same order or reference first (the unique key decided); a
 * provider that refuses leaves the payment failed (Unavailable), so the buyer can try again.
 */
export async function startPayment(d: PayDeps, row: NewPayment, simulate: '' | 'fail'): Promise<PaymentRow | undefined> {
  if (!(await d.payments.insertPending(row, row.created_at))) return undefined;
  try {
    await d.provider.charge({ paymentId: row.id, orderId: row.order_id, amountCents: row.amount_cents, simulate });
  } catch (err) {
    await d.payments.transition(row.id, 'pending', 'failed', {}, d.clock.now());
    d.log.warn({ err, paymentId: row.id, purpose: row.purpose, reference: row.reference }, 'pay: the provider refused the charge; the payment is failed');
    throw errors.unavailable(`the payment provider (${d.provider.name})`, err);
  }
  const stored = await d.payments.get(row.id);
  if (!stored) throw errors.internal(new Error(`pay: payment ${row.id} vanished after its insert`));
  return stored;
}
