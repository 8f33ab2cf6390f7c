// A released ticket's units, back where they belong: to the sale's bucket while it sells, to the
// product once it has ended (the product's barrier, one branch per ticket, makes a repeat a no-op).
import type { SeckillDeps } from '../deps.js';
import type { ReservedTicket } from '../model/sale-stock.js';
import type { BookedSale } from '../sale-book.js';

export async function giveBack(d: SeckillDeps, sale: BookedSale, ticket: ReservedTicket): Promise<void> {
  const outcome = await d.stock.release(sale.plan, ticket);
  if (outcome === 'closed') await d.products.give(sale.row.id, `t:${ticket.ticketId}`, sale.row.product_id, ticket.quantity);
}
