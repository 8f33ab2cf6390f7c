import type { GetTicketRequest, Ticket } from '#gen/surge/seckill/v1/seckill';
import type { SeckillDeps } from '../deps.js';
import { refusals } from '../refusals.js';
import { checkId } from '../rules.js';
import { toTicket } from './view.js';

/**
 * The buyer's ticket: its row once the worker has written it, else the journal's entry
 * (reserved). The row is read again after a journal miss: the worker writes the row before it
 * takes the entry off the journal, so one of the three reads finds a ticket that exists.
 * Another buyer's ticket reads as no ticket.
 */
export async function getTicket(d: SeckillDeps, req: GetTicketRequest): Promise<Ticket> {
  const saleId = checkId('sale_id', req.saleId);
  const userId = checkId('user_id', req.userId);
  const id = checkId('id', req.id);
  const mine = <T extends { sale_id: number; user_id: number }>(row: T | undefined) => (row && row.sale_id === saleId && row.user_id === userId ? row : undefined);
  const row = mine(await d.tickets.get(id));
  if (row) return toTicket(row);
  const booked = await d.book.get(saleId);
  if (!booked) throw refusals.noTicket();
  const pending = await d.stock.pending(booked.plan, id);
  if (pending && pending.userId === userId && pending.saleId === saleId) {
    return { id, saleId, userId, quantity: pending.quantity, status: 'reserved', orderId: 0, createdAt: pending.at, releaseReason: '' };
  }
  const written = mine(await d.tickets.get(id));
  if (written) return toTicket(written);
  throw refusals.noTicket();
}
