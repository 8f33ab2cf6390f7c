// The gid of a flash-sale ticket's order, `seckill:<sale_id>:<ticket_id>`: unique per ticket (the
// orders table's unique gid index is what makes "one order per ticket" hold), and read back when
// the order is cancelled, to send its units to the sale instead of the product. Two ids of at
// most 16 digits each keep it within the column's 64 characters (41 at most).
import { errors } from '#kit/errors';

const PREFIX = 'seckill:';
const FLASH_GID = /^seckill:([1-9][0-9]{0,15}):([1-9][0-9]{0,15})$/;

export interface FlashTicketRef {
  saleId: number;
  ticketId: number;
}

export const flashGidOf = ({ saleId, ticketId }: FlashTicketRef): string => `${PREFIX}${saleId}:${ticketId}`;

/** The ticket a flash order's gid names; undefined for an order placed through the saga. */
export function flashTicketOf(gid: string): FlashTicketRef | undefined {
  if (!gid.startsWith(PREFIX)) return undefined;
  const match = FLASH_GID.exec(gid);
  // Only flashGidOf writes this prefix: anything else is a corrupt row, not a saga's order.
  if (!match) throw errors.internal(new Error(`order gid ${gid} has the flash prefix but names no ticket`));
  return { saleId: Number(match[1]), ticketId: Number(match[2]) };
}
