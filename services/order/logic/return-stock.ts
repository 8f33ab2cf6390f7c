// A cancelled order's units go back where they came from. An order placed through the saga gives
// its items back to the product service under the stock branch of the saga that reserved them:
// the product's barrier makes every release after the first a no-op. A flash-sale ticket's order
// gives its ticket back to the sale through the seckill service, whose ReleaseTicket is
// exactly-once the same way. Either way a buyer's cancel, the payment timeout and their retries
// give the units back once; a failure throws, and the payment-timeout job tries again.
import { errors } from '#kit/errors';
import type { OrderDeps } from '../deps.js';
import { flashTicketOf } from '../flash-gid.js';
import type { FlashReleaseReason } from '../flash-stock.js';
import type { StoredOrder } from '../model/orders.js';
import { stockRef } from '../saga.js';

/** A flash order's cancel_reason, as the sale records its ticket's release. */
const FLASH_REASON: Readonly<Record<string, FlashReleaseReason>> = { buyer: 'cancelled', timeout: 'timeout' };

export async function returnStock(d: OrderDeps, { order, lines }: StoredOrder): Promise<void> {
  const ticket = flashTicketOf(order.gid);
  if (ticket) {
    const reason = FLASH_REASON[order.cancel_reason];
    // Only a buyer's cancel and the payment timeout end a flash order; the saga's 'failed' never does.
    if (!reason) throw errors.internal(new Error(`flash order ${order.id} was cancelled for "${order.cancel_reason}"; its ticket is not released`));
    await d.flashStock.release(ticket.saleId, ticket.ticketId, reason);
    return;
  }
  const items = lines.map((l) => ({ productId: Number(l.product_id), quantity: Number(l.quantity) }));
  await d.stock.release(stockRef(order.gid), Number(order.user_id), items);
}
