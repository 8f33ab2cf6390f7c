import type { GetOrderRequest, Order } from '#gen/surge/order/v1/order';
import type { OrderDeps } from '../deps.js';
import { refusals } from '../refusals.js';
import { checkId } from '../rules.js';
import { toOrder } from './view.js';

/** One of the buyer's orders; another user's id reads as none. */
export async function getOrder(d: OrderDeps, req: GetOrderRequest): Promise<Order> {
  const userId = checkId('user_id', req.userId);
  const id = checkId('id', req.id);
  const stored = await d.orders.get(id, userId);
  if (!stored) throw refusals.noOrder('id');
  return toOrder(stored);
}
