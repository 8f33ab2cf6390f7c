import type { BuyVipRequest, VipPurchase } from '#gen/surge/member/v1/member';
import type { MemberDeps } from '../deps.js';
import { refusals } from '../refusals.js';
import { checkId, checkMonths, checkSimulate } from '../rules.js';

/** The purpose the payment carries, for the pay service's records and the paid confirmation. */
export const vipPurpose = (months: number) => `member.vip:${months}`;

/**
 * Makes a payment of months × the monthly price and records it as the user's VIP purchase; VIP is
 * extended when the payment is confirmed paid (applyVipPayment), not here.
 */
export async function buyVip(d: MemberDeps, req: BuyVipRequest): Promise<VipPurchase> {
  const userId = checkId('user_id', req.userId);
  const months = checkMonths(req.months);
  const simulate = checkSimulate(req.simulate);
  if (!d.payDesk) throw refusals.vipUnavailable();
  const amountCents = months * d.vipMonthCents;
  const payment = await d.payDesk.create({ userId, amountCents, purpose: vipPurpose(months), simulate });
  // Recorded after the payment exists: a purchase row without a payment would never be paid. A
  // crash between the two leaves a paid payment applyVipPayment knows nothing of (it answers
  // undefined and its caller logs it): the pay service's records are the way to refund it.
  await d.vipPayments.record({ paymentId: payment.id, userId, months, amountCents }, d.clock.now());
  return { paymentId: payment.id, status: payment.status, months, amountCents: payment.amountCents, provider: payment.provider, createdAt: payment.createdAt };
}
