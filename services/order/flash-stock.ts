// The flash sales' units, as the order service gives them back: a cancelled or timed-out flash
// order's ticket is released to its sale through the seckill service's ReleaseTicket, which is
// exactly-once however often it is called, so a buyer's cancel, the payment timeout and their
// retries may all call it.
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
