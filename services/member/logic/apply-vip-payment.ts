import { applyOnce } from '#kit/outbox';
import type { MemberDeps } from '../deps.js';
import type { VipPurchaseRow } from '../model/vip-payments.js';
import { VIP_MONTH_MS } from '../rules.js';

/**
 * A VIP payment confirmed paid: extends the buyer's VIP by months × 30 days from max(now,
 * vip_until), once per payment (the delivery key through applyOnce, and the purchase's
 * pending → applied update, so a second event about the same payment changes nothing either).
 * Resolves the purchase applied, or undefined when there was nothing to apply.
 */
export async function applyVipPayment(d: MemberDeps, key: string, paymentId: number): Promise<VipPurchaseRow | undefined> {
  let applied: VipPurchaseRow | undefined;
  const now = d.clock.now();
  const buyer = await d.vipPayments.buyerOf(paymentId);
  if (buyer === undefined) return undefined;
  await d.members.prepare(buyer, now);
  await applyOnce(
    d.db,
    key,
    async (trx) => {
      applied = undefined; // the transaction may run again after a deadlock
      applied = await d.vipPayments.takePending(trx, paymentId, now);
      if (applied) await d.members.extendVip(trx, applied.userId, applied.months * VIP_MONTH_MS, now);
    },
    { clock: d.clock },
  );
  return applied;
}
