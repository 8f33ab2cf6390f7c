// The flash sales' units, as the order service gives them back: a cancelled or timed-out flash
// order's ticket is released to its sale through the seckill service's ReleaseTicket, which is
// exactly-once however often it is called, so a buyer's cancel, the payment timeout and their
// retries may all call it.
import { Code, SurgeError } from '#kit/errors';
import type { Client } from '#kit/rpc';
import type { SeckillServiceDefinition } from '#gen/surge/seckill/v1/seckill';

/** Why the ticket's order ended: the buyer cancelled it, or it was not paid in time. */
export type FlashReleaseReason = 'cancelled' | 'timeout';

export interface FlashStock {
  /** Gives the ticket's units back to its sale (or to the product once the sale has ended); throws when the seckill service cannot be reached. */
  release(saleId: number, ticketId: number, reason: FlashReleaseReason): Promise<void>;
}

export function flashStockLedger(seckill: Pick<Client<typeof SeckillServiceDefinition>, 'releaseTicket'>): FlashStock {
  return {
    async release(saleId, ticketId, reason) {
      // released_now false (released before) is the same success: the units went back once.
      await seckill.releaseTicket({ saleId, ticketId, reason });
    },
  };
}

/**
 * For a process whose service list has no seckill service: no flash order can be placed there,
 * so a release means a flash order came from elsewhere; refused (Unavailable), so the payment
 * timeout retries it and logs it when it gives up, instead of losing the units silently.
 */
export const noFlashStock: FlashStock = {
  async release(saleId, ticketId) {
    throw new SurgeError(Code.Unavailable, `ticket ${ticketId} of flash sale ${saleId} cannot be released: this process has no seckill service`, { details: { dependency: 'seckill service' } });
  },
};
