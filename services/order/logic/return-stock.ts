// A cancelled order's items go back to the product service under the stock branch of the saga
// that reserved them: the product's barrier makes every release after the first a no-op, so a
// buyer's cancel, the payment timeout and their retries give the stock back exactly once.
import type { OrderDeps } from '../deps.js';
import type { StoredOrder } from '../model/orders.js';
import { stockRef } from '../saga.js';

export async function returnStock(d: OrderDeps, { order, lines }: StoredOrder): Promise<void> {
  const items = lines.map((l) => ({ productId: Number(l.product_id), quantity: Number(l.quantity) }));
  await d.stock.release(stockRef(order.gid), Number(order.user_id), items);
}
