import type { Transaction } from 'kysely';
import { PAY_PAID } from '../events.js';
import type { PayDeps } from '../deps.js';
import type { PaymentRow } from '../model/payments.js';
import type { PayDB } from '../model/tables.js';

/**
 * Moves a payment from pending to paid in the caller's transaction, and writes pay.paid in the
 * same one: the event exists if and only if the payment became paid, once, whatever the number
 * of notifications or reconciliation passes racing for it. True when this call made it paid; the
 * caller flushes the outbox after its commit.
 */
export async function markPaid(d: PayDeps, trx: Transaction<PayDB>, row: PaymentRow, now: number): Promise<boolean> {
  const id = Number(row.id);
  if (!(await d.payments.transition(id, 'pending', 'paid', { paid_at: now }, now, trx))) return false;
  await d.events.add(trx, PAY_PAID, { paymentId: id, userId: Number(row.user_id), purpose: row.purpose, reference: row.reference, amountCents: Number(row.amount_cents), paidAt: now });
  return true;
}
