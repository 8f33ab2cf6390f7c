import type { ConfirmReceiptRequest, Order } from '#gen/surge/order/v1/order';
import type { OrderDeps } from '../deps.js';
import { refusals } from '../refusals.js';
import { checkId } from '../rules.js';
import { changeStatus } from './change-status.js';
import { toOrder } from './view.js';

/** The buyer confirms a shipped order arrived: shipped → completed. */
export async function confirmReceipt(d: OrderDeps, req: ConfirmReceiptRequest): Promise<Order> {
  const userId = checkId('user_id', req.userId);
  const id = checkId('id', req.id);
  const stored = await d.orders.get(id, userId);
  if (!stored) throw refusals.noOrder('id');
  return toOrder(await changeStatus(d, stored, { from: 'shipped', to: 'completed', verb: 'confirmed as received' }));
}
