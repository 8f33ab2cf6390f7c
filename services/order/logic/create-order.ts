import { Code, SurgeError, errors } from '#kit/errors';
import type { CallContext } from '#kit/rpc';
import type { CreateOrderRequest, Order } from '#gen/surge/order/v1/order';
import type { OrderDeps } from '../deps.js';
import { refusals } from '../refusals.js';
import { checkId, checkItems, checkKey, MAX_ORDER_ITEMS, type ItemRequest } from '../rules.js';
import { gidOf, type OrderPayload } from '../saga.js';
import { snapshotOf, toOrder } from './view.js';

/** How often a request waits on a transaction another request (or instance) is driving. */
const WAIT_STEP_MS = 50;

/**
 * Places an order through the saga 'order.create': stock reserved at the product service, then
 * the order written here, unpaid, with its payment timeout. Input, the address and the cart are
 * checked first; a stock refusal (out of stock, off shelf) compensates and is the answer.
 * With an idempotency key, (user, key) is recorded with the order id and the saga's payload
 * before the saga starts: the same key again answers that one order (waiting while its saga
 * runs), or the same refusal, and never starts a second. from_cart: the ordered products leave
 * the cart afterwards, best effort (a failure is logged; the order stands).
 */
export async function createOrder(d: OrderDeps, req: CreateOrderRequest, ctx: CallContext): Promise<Order> {
  const userId = checkId('user_id', req.userId);
  const addressId = checkId('address_id', req.addressId);
  const key = checkKey('idempotency_key', req.idempotencyKey, true);
  if (req.fromCart && req.items.length > 0) throw errors.invalid('items', 'give items or from_cart, not both');
  const requested = req.fromCart ? undefined : checkItems(req.items);

  if (key !== '') {
    const earlier = await d.requests.find(userId, key);
    if (earlier) return settle(d, JSON.parse(earlier.payload) as OrderPayload, earlier.gid, ctx);
  }

  const address = await d.addresses.get(userId, addressId);
  if (!address) throw refusals.noAddress('address_id');
  const items = requested ?? (await itemsFromCart(d, userId, ctx));
  const orderId = d.ids.next();
  const gid = gidOf(orderId);
  const payload: OrderPayload = { orderId, userId, createdAt: d.clock.now(), items, address: snapshotOf(address) };

  if (key !== '') {
    const claimed = await d.requests.claim({ user_id: userId, idem_key: key, order_id: orderId, gid, payload: JSON.stringify(payload), created_at: payload.createdAt });
    if (!claimed) {
      // A request with the same key got there first: its order is the answer.
      const winner = await d.requests.find(userId, key);
      if (!winner) throw errors.internal(new Error(`idempotency key of user ${userId} neither inserted nor found`));
      return settle(d, JSON.parse(winner.payload) as OrderPayload, winner.gid, ctx);
    }
  }

  const order = await settle(d, payload, gid, ctx);
  if (req.fromCart) {
    await d.cart.remove(userId, items.map((i) => i.productId), ctx).catch((err: unknown) => {
      // Safe to carry on: the order exists; the products merely stay in the cart.
      d.log.warn({ err, orderId, userId }, 'order: removing the ordered products from the cart failed');
    });
  }
  return order;
}

/** The checked lines of the user's cart, as an order's items. */
async function itemsFromCart(d: OrderDeps, userId: number, ctx: CallContext): Promise<ItemRequest[]> {
  const items = await d.cart.checkedItems(userId, ctx);
  if (items.length === 0) throw refusals.emptyCart();
  if (items.length > MAX_ORDER_ITEMS) throw refusals.cartTooLarge(items.length, MAX_ORDER_ITEMS);
  return checkItems(items);
}

/**
 * Runs the order's transaction, or answers it when it exists (run() of a gid that exists starts
 * nothing); while another request or instance drives it, asks again until it ends or this call's
 * deadline is near.
 */
async function settle(d: OrderDeps, payload: OrderPayload, gid: string, ctx: CallContext): Promise<Order> {
  for (;;) {
    const outcome = await d.coordinator.run(d.saga, payload, { gid });
    switch (outcome.status) {
      case 'succeeded': {
        const stored = await d.orders.get(payload.orderId);
        if (!stored) throw errors.internal(new Error(`transaction ${gid} succeeded without order ${payload.orderId}`));
        return toOrder(stored);
      }
      case 'compensated':
        // The refusal that undid it: out of stock, off shelf, no such product.
        throw outcome.reason;
      case 'stuck':
        throw new SurgeError(Code.Unavailable, 'the order could not be placed now; it is kept for an operator to finish or undo', { details: { dependency: 'product service' }, cause: outcome.error });
      case 'pending':
        if (ctx.remainingMs() <= 2 * WAIT_STEP_MS) throw new SurgeError(Code.Unavailable, 'the order is still being placed; ask again with the same idempotency_key', { details: { dependency: 'order saga' } });
        await d.clock.sleep(WAIT_STEP_MS);
    }
  }
}
