import type { Kysely } from 'kysely';
import { Code, SurgeError, errors } from '#kit/errors';
import type { CallContext } from '#kit/rpc';
import type { CreateOrderRequest, Order } from '#gen/surge/order/v1/order';
import type { OrderDeps } from '../deps.js';
import type { RequestRow } from '../model/requests.js';
import type { OrderDB } from '../model/tables.js';
import { refusals } from '../refusals.js';
import { checkId, checkItems, checkKey, MAX_ORDER_ITEMS, type ItemRequest } from '../rules.js';
import { gidOf, type OrderPayload } from '../saga.js';
import { snapshotOf, toOrder } from './view.js';

/** How often a request waits on a transaction another request (or instance) is driving. */
const WAIT_STEP_MS = 50;

/** Thrown inside the saga's creation when the idempotency key is taken, to write nothing. */
class KeyTaken extends Error {}

/**
 * Places an order through the saga 'order.create': stock reserved at the product service, then
 * the order written here, unpaid, with its payment timeout. Input, the address and the cart are
 * checked first; a stock refusal (out of stock, off shelf) compensates and is the answer.
 * With an idempotency key, (user, key) is recorded with the order id and the saga's payload in
 * the local transaction that writes the saga's row: the same key again answers that one order
 * (waiting while its saga runs), or the same refusal, and never starts a second. The key is
 * looked up before anything else only where a repeat could be answered differently (from_cart: the
 * cart is emptied by then; a missing address); otherwise a repeat finds it taken when it tries to
 * record it. from_cart: the ordered products leave the cart afterwards, best effort (a failure is
 * logged; the order stands).
 */
export async function createOrder(d: OrderDeps, req: CreateOrderRequest, ctx: CallContext): Promise<Order> {
  const userId = checkId('user_id', req.userId);
  const addressId = checkId('address_id', req.addressId);
  const key = checkKey('idempotency_key', req.idempotencyKey, true);
  if (req.fromCart && req.items.length > 0) throw errors.invalid('items', 'give items or from_cart, not both');
  const requested = req.fromCart ? undefined : checkItems(req.items);

  const earlier = () => (key === '' ? Promise.resolve(undefined) : d.requests.find(userId, key));
  if (req.fromCart) {
    const found = await earlier();
    if (found) return answerEarlier(d, found, ctx);
  }
  const address = await d.addresses.get(userId, addressId);
  if (!address) {
    const found = await earlier();
    if (found) return answerEarlier(d, found, ctx);
    throw refusals.noAddress('address_id');
  }
  const items = requested ?? (await itemsFromCart(d, userId, ctx));
  const orderId = d.ids.next();
  const gid = gidOf(orderId);
  const payload: OrderPayload = { orderId, userId, createdAt: d.clock.now(), items, address: snapshotOf(address) };

  let order: Order;
  try {
    order = await place(d, payload, gid, key, ctx);
  } catch (err) {
    if (!(err instanceof KeyTaken)) throw err;
    // A request with the same key got there first: its order is the answer.
    const winner = await earlier();
    if (!winner) throw errors.internal(new Error(`idempotency key of user ${userId} neither inserted nor found`));
    return answerEarlier(d, winner, ctx);
  }
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
 * Starts the new order's transaction, its idempotency key (if any) written with the saga's row
 * (KeyTaken when the key is another request's: then neither is written). The order the branch
 * wrote in this process is the answer as it was written, without reading it back.
 */
async function place(d: OrderDeps, payload: OrderPayload, gid: string, key: string, ctx: CallContext): Promise<Order> {
  const request: RequestRow = { user_id: payload.userId, idem_key: key, order_id: payload.orderId, gid, payload: JSON.stringify(payload), created_at: payload.createdAt };
  const claimKey = async (trx: Kysely<any>) => {
    if (!(await d.requests.claim(request, trx as Kysely<OrderDB>))) throw new KeyTaken();
  };
  d.written.watch(gid);
  try {
    return await settle(d, payload, gid, ctx, key === '' ? undefined : claimKey);
  } finally {
    d.written.take(gid);
  }
}

/** An earlier request's transaction, answered (or started, for a key whose saga row never came). */
function answerEarlier(d: OrderDeps, request: RequestRow, ctx: CallContext): Promise<Order> {
  return settle(d, JSON.parse(request.payload) as OrderPayload, request.gid, ctx);
}

/**
 * Runs the order's transaction, or answers it when it exists (run() of a gid that exists starts
 * nothing); while another request or instance drives it, asks again until it ends or this call's
 * deadline is near. alongside: written with the saga's row when this call creates it.
 */
async function settle(d: OrderDeps, payload: OrderPayload, gid: string, ctx: CallContext, alongside?: (trx: Kysely<any>) => Promise<void>): Promise<Order> {
  for (;;) {
    const outcome = await d.coordinator.run(d.saga, payload, { gid, ...(alongside ? { alongside } : {}) });
    switch (outcome.status) {
      case 'succeeded': {
        const stored = d.written.take(gid) ?? (await d.orders.get(payload.orderId));
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
