// The order service as the ticket worker uses it: one call makes the orders of a batch of
// tickets (one per ticket, however often a ticket is sent), each its sale's product at the sale price.
import type { Client } from '#kit/rpc';
import type { OrderServiceDefinition } from '#gen/surge/order/v1/order';
import type { SaleRow } from './model/sales.js';
import type { ReservedTicket } from './model/sale-stock.js';

export interface FlashOrderOutcome {
  orderId: number;
  /** '' or why the ticket got no order ('no_address'). */
  refusal: string;
}

export interface FlashOrders {
  create(batch: readonly { ticket: ReservedTicket; sale: SaleRow }[]): Promise<FlashOrderOutcome[]>;
}

export function flashOrders(orders: Pick<Client<typeof OrderServiceDefinition>, 'createFlashOrders'>): FlashOrders {
  return {
    async create(batch) {
      const reply = await orders.createFlashOrders({
        orders: batch.map(({ ticket: t, sale: s }) => ({
          ticketId: t.ticketId,
          saleId: t.saleId,
          userId: t.userId,
          addressId: t.addressId,
          productId: s.product_id,
          name: s.name,
          imageUrl: s.image_url,
          priceCents: s.price_cents,
          quantity: t.quantity,
          reservedAt: t.at,
        })),
      });
      const byTicket = new Map(reply.results.map((r) => [r.ticketId, r]));
      return batch.map(({ ticket }) => {
        const r = byTicket.get(ticket.ticketId);
        if (!r) throw new Error(`the order service answered no result for ticket ${ticket.ticketId}`);
        return { orderId: r.orderId, refusal: r.refusal };
      });
    },
  };
}
