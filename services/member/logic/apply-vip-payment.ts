import { applyOnce } from '#kit/outbox';
import type { MemberDeps } from '../deps.js';
import type { VipPurchaseRow } from '../model/vip-purchases.js';
import { VIP_MONTH_MS } from '../rules.js';

/** A VIP payment the pay service confirmed paid (pay.paid of purpose "vip"): its reference is the purchase id. */
export interface PaidVip {
  purchaseId: number;
  paymentId: number;
  userId: number;
  amountCents: number;
}

/** What applying a paid VIP payment came to. */
export type VipApplied =
  /** VIP extended by this call. */
  | { outcome: 'applied'; purchase: VipPurchaseRow }
  /** Applied before (this delivery, another delivery, another event about the purchase): nothing changed. */
  | { outcome: 'already' }
  /** No such purchase here, or it is another user's or of another amount: nothing changed; the caller logs it. */
  | { outcome: 'unknown' | 'mismatch' };

/**
 * Extends the buyer's VIP by months × 30 days from max(now, vip_until), once per purchase (the
 * delivery key through applyOnce, and the purchase's pending → applied update, so a second event
 * about the same purchase changes nothing either). The payment must be the buyer's and of the
 * purchase's amount: a reference is only an id, and money for another sum buys nothing here.
 */
export async function applyVipPayment(d: MemberDeps, key: string, paid: PaidVip): Promise<VipApplied> {
  const now = d.clock.now();
  const purchase = await d.vipPurchases.get(paid.purchaseId);
  if (!purchase) return { outcome: 'unknown' };
  if (purchase.userId !== paid.userId || purchase.amountCents !== paid.amountCents) return { outcome: 'mismatch' };
  await d.members.prepare(purchase.userId, now);
  let applied: VipPurchaseRow | undefined;
  await applyOnce(
    d.db,
    key,
    async (trx) => {
      applied = undefined; // the transaction may run again after a deadlock
      applied = await d.vipPurchases.takePending(trx, paid.purchaseId, paid.paymentId, now);
      if (applied) await d.members.extendVip(trx, applied.userId, applied.months * VIP_MONTH_MS, now);
    },
    { clock: d.clock },
  );
  return applied ? { outcome: 'applied', purchase: applied } : { outcome: 'already' };
}
