import type { CallContext } from '#kit/rpc';
import type { BuyVipRequest, VipPurchase } from '#gen/surge/member/v1/member';
import type { MemberDeps } from '../deps.js';
import { checkId, checkMonths, checkSimulate } from '../rules.js';
import { toVipPurchase } from './vip-view.js';

/**
 * Starts buying VIP months: a purchase row first, then a payment of months × the monthly price
 * whose reference is the purchase id, then the payment's id on the row. VIP is extended when
 * pay.paid says the payment is paid (applyVipPayment), not here. Written in that order because
 * the reference is all pay.paid needs: a crash after the payment is made, before its id is
 * recorded, still extends VIP when it is paid.
 */
export async function buyVip(d: MemberDeps, req: BuyVipRequest, ctx?: CallContext): Promise<VipPurchase> {
  const userId = checkId('user_id', req.userId);
  const months = checkMonths(req.months);
  const simulate = checkSimulate(req.simulate);
  const id = d.ids.next();
  const amountCents = months * d.vipMonthCents;
  await d.vipPurchases.insert({ id, userId, months, amountCents }, d.clock.now());
  const payment = await d.payDesk.create({ userId, amountCents, reference: String(id), simulate }, ctx);
  await d.vipPurchases.setPayment(id, payment.id);
  return toVipPurchase({ id, userId, months, amountCents, paymentId: payment.id, applied: false, createdAt: payment.createdAt }, payment);
}
