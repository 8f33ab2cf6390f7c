import type { VipPurchase } from '#gen/surge/member/v1/member';
import type { VipPurchaseRow } from '../model/vip-purchases.js';
import type { VipPayment } from '../payments.js';

/** A purchase as the contract shows it, with its payment as the pay service says it (none yet: pending, no provider). */
export function toVipPurchase(row: VipPurchaseRow, payment: VipPayment | undefined): VipPurchase {
  return {
    id: row.id,
    paymentId: payment?.id ?? row.paymentId,
    // A purchase applied was paid, whatever the payment read says by now.
    status: row.applied ? 'paid' : (payment?.status ?? 'pending'),
    months: row.months,
    amountCents: row.amountCents,
    provider: payment?.provider ?? '',
    createdAt: payment?.createdAt ?? row.createdAt,
    applied: row.applied,
    paidAt: payment?.paidAt ?? 0,
  };
}
