import type { GetPaymentRequest, Payment } from '#gen/surge/pay/v1/pay';
import type { PayDeps } from '../deps.js';
import { refusals } from '../refusals.js';
import { checkId } from '../rules.js';
import { toPayment } from './view.js';

/** One of the user's payments; another user's id reads as none. */
export async function getPayment(d: PayDeps, req: GetPaymentRequest): Promise<Payment> {
  const userId = checkId('user_id', req.userId);
  const id = checkId('id', req.id);
  const row = await d.payments.get(id, userId);
  if (!row) throw refusals.noPayment();
  return toPayment(row);
}
