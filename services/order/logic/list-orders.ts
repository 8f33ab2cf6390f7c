import { checkLimit } from '#kit/rules';
import type { ListOrdersRequest, OrderPage } from '#gen/surge/order/v1/order';
import type { OrderDeps } from '../deps.js';
import { decodeCursor, encodeCursor } from '../model/cursor.js';
import { checkId, checkStatusFilter } from '../rules.js';
import { toOrder } from './view.js';

/** The buyer's orders newest first, all or of one status, a page at a time (limit 1–50, default 20). */
export async function listOrders(d: OrderDeps, req: ListOrdersRequest): Promise<OrderPage> {
  const userId = checkId('user_id', req.userId);
  const status = checkStatusFilter(req.status);
  const beforeId = decodeCursor(req.cursor);
  const limit = checkLimit(req.limit, { max: 50, byDefault: 20 });
  // One more than the page: whether it is there says whether this page is the last.
  const rows = await d.orders.list({ userId, status, beforeId, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const isEnd = rows.length <= limit;
  return { orders: page.map(toOrder), nextCursor: isEnd ? '' : encodeCursor(Number(page[page.length - 1]!.order.id)), isEnd };
}
