import type { MarkRefundedRequest, Order } from '#gen/surge/order/v1/order';
import type { OrderDeps } from '../deps.js';
import { refusals } from '../refusals.js';
import { checkId } from '../rules.js';
import { changeStatus } from './change-status.js';
import { toOrder } from './view.js';

/** The pay service refunded a paid order: paid → refunded. */
export async function markRefunded(d: OrderDeps, req: MarkRefundedRequest): Promise<Order> {
  const id = checkId('order_id', req.orderId);
  const stored = await d.orders.get(id);
  if (!stored) throw refusals.noOrder('order_id');
  return toOrder(await changeStatus(d, stored, { from: 'paid', to: 'refunded', verb: 'refunded' }));
}
