// One status change of an order, shared by the use cases that make one: refused up front when
// the order read is not in `from`, then one conditional UPDATE; when another change won the race
// in between, the refusal names the status that change left.
import type { OrderDeps } from '../deps.js';
import type { OrderRow, StoredOrder } from '../model/orders.js';
import type { OrderStatus } from '../model/tables.js';
import { refusals } from '../refusals.js';

export interface StatusChange {
  from: OrderStatus;
  to: OrderStatus;
  /** As the refusal says it: "only a paid order can be shipped". */
  verb: string;
  set?: Partial<Pick<OrderRow, 'cancel_reason' | 'paid_at' | 'payment_id'>>;
}

export async function changeStatus(d: OrderDeps, stored: StoredOrder, change: StatusChange): Promise<StoredOrder> {
  const { from, to, verb, set = {} } = change;
  if (stored.order.status !== from) throw refusals.wrongStatus(stored.order.status, verb, from);
  const id = Number(stored.order.id);
  const now = d.clock.now();
  if (!(await d.orders.transition(id, from, to, set, now))) {
    const current = await d.orders.get(id);
    throw refusals.wrongStatus(current?.order.status ?? stored.order.status, verb, from);
  }
  return { order: { ...stored.order, ...set, status: to, updated_at: now }, lines: stored.lines };
}
