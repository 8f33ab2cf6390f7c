import type { CreateFlashOrdersRequest, FlashOrderResult, FlashOrdersReply } from '#gen/surge/order/v1/order';
import type { OrderDeps } from '../deps.js';
import { flashGidOf } from '../flash-gid.js';
import type { AddressRow } from '../model/addresses.js';
import type { NewFlashOrder } from '../model/flash-orders.js';
import { checkFlashOrders, type FlashOrderRequest } from '../rules.js';
import { snapshotOf } from './view.js';

/** The refusal of a ticket whose address is not its buyer's (deleted, or never theirs): the sale releases its units. */
const NO_ADDRESS = 'no_address';

/**
 * The seckill service's ticket worker turns reserved tickets into orders: one unpaid order per
 * ticket, its one line the sale's product at the sale price, created_at the moment of the
 * reservation. The tickets' units are the sale's already, so no stock is reserved here.
 *
 * One answer per ticket, ever: its gid is seckill:<sale>:<ticket>, and its first call's answer,
 * an order or a refusal, is claimed under that gid (flash_claims, model/flash-orders.ts) in the
 * transaction that writes the order. Orders.gid is unique too. That, not the order_requests
 * table, is the key: the order row is then the whole record (a ticket has no saga payload to
 * keep), and the gid is what a cancel reads to send the units back to the sale. A ticket seen
 * before (in an earlier call, or earlier in this one) answers as it was answered then, whatever
 * its address is now. The addresses are read in one query before the one transaction; a snapshot
 * taken then is the order's, as CreateOrder's is.
 *
 * Every answered order that is unpaid has its payment timeout scheduled after the commit, the
 * old ones again too (scheduling replaces the job): a worker whose first call failed after the
 * commit asks again, and that repeat schedules what the failure missed. A reply therefore means
 * every order in it will time out if unpaid.
 */
export async function createFlashOrders(d: OrderDeps, req: CreateFlashOrdersRequest): Promise<FlashOrdersReply> {
  const asked = checkFlashOrders(req.orders).map((ticket) => ({ ticket, gid: flashGidOf(ticket) }));
  // The first of a ticket repeated within the call is the one that counts.
  const tickets = new Map<string, FlashOrderRequest>();
  for (const { ticket, gid } of asked) if (!tickets.has(gid)) tickets.set(gid, ticket);

  const addresses = new Map((await d.addresses.byIds([...new Set([...tickets.values()].map((t) => t.addressId))])).map((row) => [Number(row.id), row]));
  const now = d.clock.now();
  const decisions = [...tickets].map(([gid, ticket]) => {
    const address = addresses.get(ticket.addressId);
    return { gid, order: address && Number(address.user_id) === ticket.userId ? orderOf(gid, ticket, address, d.ids.next(), now) : undefined };
  });

  const ordered = await d.flashOrders.write(decisions);
  // Together: a batch is at most 500, each schedule one write to the delay store (in Redis, the
  // writes of one turn go out together).
  await Promise.all([...ordered.values()].filter((order) => order.status === 'unpaid').map((order) => d.timeouts.schedule(order.orderId, order.createdAt)));

  return {
    results: asked.map(({ ticket, gid }): FlashOrderResult => {
      const order = ordered.get(gid);
      return order ? { ticketId: ticket.ticketId, orderId: order.orderId, refusal: '' } : { ticketId: ticket.ticketId, orderId: 0, refusal: NO_ADDRESS };
    }),
  };
}

/** A ticket's order: unpaid, one line at the sale price, the total in integer cents, the address as it is now. */
function orderOf(gid: string, t: FlashOrderRequest, address: AddressRow, orderId: number, now: number): NewFlashOrder {
  return {
    order: {
      id: orderId,
      user_id: t.userId,
      gid,
      status: 'unpaid',
      // At most 100,000,000 × 999: exact as a JS number and in BIGINT.
      total_cents: t.priceCents * t.quantity,
      address: JSON.stringify(snapshotOf(address)),
      cancel_reason: '',
      payment_id: '',
      created_at: t.reservedAt,
      paid_at: 0,
      updated_at: now,
    },
    line: { order_id: orderId, idx: 0, product_id: t.productId, name: t.name, image_url: t.imageUrl, price_cents: t.priceCents, quantity: t.quantity },
  };
}
