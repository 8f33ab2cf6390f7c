import type { FlashSale, Ticket } from '#gen/surge/seckill/v1/seckill';
import type { SaleRow } from '../model/sales.js';
import type { TicketRow } from '../model/tickets.js';

/** upcoming / running / ended, by the clock and the state (an ended state wins over the clock). */
export function saleStatus(sale: SaleRow, now: number): 'upcoming' | 'running' | 'ended' {
  if (sale.state === 'ended' || now >= sale.end_at) return 'ended';
  return now < sale.start_at ? 'upcoming' : 'running';
}

export function toFlashSale(sale: SaleRow, stockLeft: number, now: number): FlashSale {
  const status = saleStatus(sale, now);
  return {
    id: sale.id,
    productId: sale.product_id,
    name: sale.name,
    imageUrl: sale.image_url,
    priceCents: sale.price_cents,
    originalPriceCents: sale.original_price_cents,
    stock: sale.stock,
    stockLeft: status === 'ended' ? 0 : stockLeft,
    startAt: sale.start_at,
    endAt: sale.end_at,
    perUserLimit: sale.per_user_limit,
    status,
    createdAt: sale.created_at,
  };
}

export function toTicket(row: TicketRow): Ticket {
  return { id: row.id, saleId: row.sale_id, userId: row.user_id, quantity: row.quantity, status: row.status, orderId: row.order_id, createdAt: row.created_at, releaseReason: row.release_reason };
}
