import { errors } from '#kit/errors';
import type { ReleaseTicketReply, ReleaseTicketRequest } from '#gen/surge/seckill/v1/seckill';
import type { SeckillDeps } from '../deps.js';
import type { ReservedTicket } from '../model/sale-stock.js';
import { refusals } from '../refusals.js';
import { checkId } from '../rules.js';
import { giveBack } from './give-back.js';

const REASONS = new Set(['cancelled', 'timeout']);

/**
 * The order service: a flash order was cancelled. Its units go back (giveBack: once per ticket,
 * however often this is called), then the ticket is marked released. A crash between the two is
 * finished by the order service calling again (its payment-timeout job retries until this answers).
 */
export async function releaseTicket(d: SeckillDeps, req: ReleaseTicketRequest): Promise<ReleaseTicketReply> {
  const saleId = checkId('sale_id', req.saleId);
  const ticketId = checkId('ticket_id', req.ticketId);
  if (!REASONS.has(req.reason)) throw errors.invalid('reason', '"cancelled" or "timeout"');
  const sale = await d.book.get(saleId);
  if (!sale) throw refusals.noSale();
  const row = await d.tickets.get(ticketId);
  if (row && row.sale_id !== saleId) throw refusals.noTicket();
  if (row?.status === 'released') return { releasedNow: false };
  const ticket: ReservedTicket | undefined = row
    ? { saleId, ticketId, userId: row.user_id, quantity: row.quantity, addressId: row.address_id, at: row.created_at, bucket: row.bucket }
    : await d.stock.pending(sale.plan, ticketId);
  if (!ticket) throw refusals.noTicket();
  await giveBack(d, sale, ticket);
  return { releasedNow: await d.tickets.release(ticket, req.reason, d.clock.now()) };
}
