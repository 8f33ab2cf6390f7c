import type { CallContext } from '#kit/rpc';
import type { GetVipPurchaseRequest, VipPurchase } from '#gen/surge/member/v1/member';
import type { MemberDeps } from '../deps.js';
import { refusals } from '../refusals.js';
import { checkId } from '../rules.js';
import { toVipPurchase } from './vip-view.js';

/** One of the user's VIP purchases with its payment as the pay service says it now; another user's id reads as none. */
export async function getVipPurchase(d: MemberDeps, req: GetVipPurchaseRequest, ctx?: CallContext): Promise<VipPurchase> {
  const userId = checkId('user_id', req.userId);
  const id = checkId('id', req.id);
  const row = await d.vipPurchases.get(id, userId);
  if (!row) throw refusals.noPurchase();
  const payment = row.paymentId === 0 ? undefined : await d.payDesk.get(userId, row.paymentId, ctx);
  return toVipPurchase(row, payment);
}
