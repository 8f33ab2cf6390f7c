import { Code, SurgeError } from '#kit/errors';
import type { CreateReferencePaymentRequest, Payment } from '#gen/surge/pay/v1/pay';
import type { PayDeps } from '../deps.js';
import type { PaymentRow } from '../model/payments.js';
import { refusals } from '../refusals.js';
import { checkId, checkReferenceTarget, checkSimulate } from '../rules.js';
import { startPayment } from './start-payment.js';
import { toPayment } from './view.js';

/**
 * Pays `amountCents` for a purpose other than an order, under the caller's reference (the member
 * service's VIP purchase id): no order is read, and none is told when it is paid (pay.paid says
 * it). One pending payment per (purpose, reference), as per order: a second call (a retry) is
 * answered the pending one, if it is the same payer and amount; a reference paid once is refused,
 * so nothing is charged twice for one purchase.
 */
export async function createReferencePayment(d: PayDeps, req: CreateReferencePaymentRequest): Promise<Payment> {
  const userId = checkId('user_id', req.userId);
  const { purpose, reference, amountCents } = checkReferenceTarget(req);
  const simulate = checkSimulate(req.simulate);
  const same = (row: PaymentRow): Payment => {
    if (Number(row.user_id) !== userId || Number(row.amount_cents) !== amountCents) throw refusals.referenceTaken();
    return toPayment(row);
  };
  const pending = await d.payments.pendingFor(purpose, reference);
  if (pending) return same(pending);
  if (await d.payments.paidFor(purpose, reference)) throw refusals.referencePaid();

  const row = { id: d.ids.next(), order_id: 0, user_id: userId, purpose, reference, amount_cents: amountCents, provider: d.provider.name, created_at: d.clock.now() };
  const started = await startPayment(d, row, simulate);
  if (started) return toPayment(started);
  // Another call made the reference's pending payment between our read and our write: answer it.
  const winner = await d.payments.pendingFor(purpose, reference);
  if (winner) return same(winner);
  throw new SurgeError(Code.FailedPrecondition, 'reference: a payment of this reference was just settled; read it and try again', { details: { field: 'reference' } });
}
