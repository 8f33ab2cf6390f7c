import type { Payment } from '#gen/surge/pay/v1/pay';
import type { PaymentRow } from '../model/payments.js';

/** A stored payment as the contract shows it (bigint columns read as numbers on both dialects). */
export function toPayment(row: PaymentRow): Payment {
  return {
    id: Number(row.id),
    orderId: Number(row.order_id),
    userId: Number(row.user_id),
    amountCents: Number(row.amount_cents),
    status: row.status,
    provider: row.provider,
    createdAt: Number(row.created_at),
    paidAt: Number(row.paid_at),
    purpose: row.purpose,
    reference: row.reference,
  };
}
