// A reserved ticket as both journals hold it (Redis's stream and pending hash, SQLite's
// flash_journal rows): its numbers joined by ':', in this order.
import { Code, SurgeError } from '#kit/errors';
import type { Reservation, ReservedTicket } from './sale-stock.js';

const RECORD_FIELDS = ['saleId', 'ticketId', 'userId', 'quantity', 'addressId', 'at', 'bucket'] as const;

export function encodeTicket(r: Reservation, bucket: number): string {
  return `${r.saleId}:${r.ticketId}:${r.userId}:${r.quantity}:${r.addressId}:${r.at}:${bucket}`;
}

export function decodeTicket(record: string): ReservedTicket {
  const parts = record.split(':').map(Number);
  if (parts.length !== RECORD_FIELDS.length || parts.some((n) => !Number.isSafeInteger(n))) {
    throw new SurgeError(Code.Internal, `a seckill ticket record is malformed: ${record}`);
  }
  const [saleId, ticketId, userId, quantity, addressId, at, bucket] = parts as [number, number, number, number, number, number, number];
  return { saleId, ticketId, userId, quantity, addressId, at, bucket };
}
