import type { BuyRequest, Ticket } from '#gen/surge/seckill/v1/seckill';
import type { SeckillDeps } from '../deps.js';
import { refusals } from '../refusals.js';
import { checkId, checkQuantity } from '../rules.js';

/**
 * One buy: the sale from this instance's book (no database), its window, then the one atomic step
 * of the sale stock (the buyer's limit and a bucket's units taken, the ticket journaled, together).
 * Answered at once with the ticket, reserved; the ticket worker makes its order afterwards.
 */
export async function buy(d: SeckillDeps, req: BuyRequest): Promise<Ticket> {
  const saleId = checkId('sale_id', req.saleId);
  const userId = checkId('user_id', req.userId);
  const addressId = checkId('address_id', req.addressId);
  const quantity = checkQuantity(req.quantity);
  const booked = d.book.peek(saleId) ?? (await d.book.get(saleId));
  if (!booked) throw refusals.noSale();
  const { row, plan } = booked;
  const now = d.clock.now();
  if (row.state !== 'open' || now >= row.end_at) throw refusals.ended();
  if (now < row.start_at) throw refusals.notStarted(row.start_at);
  if (quantity > row.per_user_limit) throw refusals.overLimit(row.per_user_limit);
  const ticketId = d.ids.next();
  const outcome = await d.stock.reserve(plan, { saleId, ticketId, userId, quantity, addressId, at: now });
  switch (outcome.status) {
    case 'reserved':
      return { id: ticketId, saleId, userId, quantity, status: 'reserved', orderId: 0, createdAt: now, releaseReason: '' };
    case 'sold_out':
      throw refusals.soldOut();
    case 'not_enough':
      throw refusals.notEnough();
    case 'over_limit':
      throw refusals.overLimit(row.per_user_limit);
    case 'closed':
      throw refusals.ended();
    case 'unloaded':
      d.log.error({ saleId }, 'seckill: the sale is open but its units are not in the sale stock (see docs/flash-sale.md, "the stock store lost a sale")');
      throw refusals.unloaded();
  }
}
