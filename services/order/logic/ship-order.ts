import type { Order, ShipOrderRequest } from '#gen/surge/order/v1/order';
import type { OrderDeps } from '../deps.js';
import { refusals } from '../refusals.js';
import { checkId } from '../rules.js';
import { changeStatus } from './change-status.js';
import { toOrder } from './view.js';

/** An admin ships a paid order: paid → shipped. The gateway checks the caller's role. */
export async function shipOrder(d: OrderDeps, req: ShipOrderRequest): Promise<Order> {
  const id = checkId('id', req.id);
  const stored = await d.orders.get(id);
  if (!stored) throw refusals.noOrder('id');
  return toOrder(await changeStatus(d, stored, { from: 'paid', to: 'shipped', verb: 'shipped' }));
}
