// The buy path's local checks, in the order issue 14 gives, cheapest refusal first: the user's
// buys per second on this process, the sale's window from this gateway's copy of the sales, the
// sale's sold-out flag. Only a buy passing all three costs an RPC (Buy); the caller settles the
// pass with Buy's answer so the flag learns from it.
import type { Clock } from '#kit/clock';
import type { SurgeError } from '#kit/errors';
import type { BuyLimit } from './buy-limit.js';
import type { Refusals } from './refusals.js';
import type { FlashSale } from '#gen/surge/seckill/v1/seckill';
import type { SalesSnapshot } from './sales-snapshot.js';
import type { SoldOutFlags, SoldOutPass } from './sold-out.js';
import { saleStatus } from './window.js';

export interface BuyGateDeps {
  limit: BuyLimit;
  sales: SalesSnapshot;
  soldOut: SoldOutFlags;
  refusals: Refusals;
  /** Its now() is compared with the sales' start_at and end_at (ms since the epoch). */
  clock: Clock;
}

export interface BuyGate {
  /**
   * A refusal to answer at once (no RPC made), or the pass to call Buy under; settle the pass
   * with Buy's answer, always (in a finally): an unsettled check-again pass holds the flag shut.
   */
  enter(userId: number, saleId: number): Promise<SurgeError | SoldOutPass>;
  /**
   * enter's answer without waiting, when the sale is in this gateway's copy (almost always: a
   * flood is on a known sale); undefined when it is not, and nothing was taken: call enter.
   */
  enterKnown(userId: number, saleId: number): SurgeError | SoldOutPass | undefined;
}

export function createBuyGate(d: BuyGateDeps): BuyGate {
  /** The checks after the user's rate, given what the copy knows of the sale (undefined: the service decides). */
  const judge = (sale: FlashSale | undefined, saleId: number): SurgeError | SoldOutPass => {
    if (sale !== undefined) {
      const status = saleStatus(sale, d.clock.now());
      if (status === 'upcoming') return d.refusals.notStarted(sale.startAt);
      if (status === 'ended') return d.refusals.ended();
    }
    return d.soldOut.enter(saleId) ?? d.refusals.soldOut();
  };
  return {
    async enter(userId, saleId) {
      const waitMs = d.limit.take(userId);
      if (waitMs > 0) return d.refusals.rateLimited(waitMs);
      // A sale missing from the copy (created a moment ago, ended, or none) is read once more;
      // still missing, the service decides: it knows ended sales and answers NotFound for the rest.
      return judge(d.sales.find(saleId) ?? (await d.sales.lookup(saleId)), saleId);
    },
    enterKnown(userId, saleId) {
      const sale = d.sales.find(saleId);
      if (sale === undefined) return undefined;
      const waitMs = d.limit.take(userId);
      if (waitMs > 0) return d.refusals.rateLimited(waitMs);
      return judge(sale, saleId);
    },
  };
}
