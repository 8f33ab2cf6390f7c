// The flash sale's state on one gateway process (issue 14, docs/flash-sale.md): the copy of the
// sales, the per-user buy rate and the sold-out flags, wired together, and the flags shared
// with every other gateway instance over the broadcast on SOLD_OUT_SUBJECT.
import type { Broadcast } from '#kit/broadcast';
import type { Clock } from '#kit/clock';
import type { Client } from '#kit/rpc';
import type { SeckillServiceDefinition } from '#gen/surge/seckill/v1/seckill';
import { createBuyGate, type BuyGate } from './buy-gate.js';
import { createBuyLimit } from './buy-limit.js';
import { createRefusals } from './refusals.js';
import { createSalesSnapshot, type SalesSnapshot } from './sales-snapshot.js';
import { createSoldOutFlags } from './sold-out.js';

export { isSoldOut } from './refusals.js';
export type { BuyGate } from './buy-gate.js';
export { buyUnder, type BuyOutcome, type SoldOutPass } from './sold-out.js';
export type { SalesSnapshot } from './sales-snapshot.js';
export { saleStatus, type SaleStatus } from './window.js';

/** A sale id in decimal, published when a buy on one instance learns the sale is sold out. */
export const SOLD_OUT_SUBJECT = 'seckill.soldout';

export interface FlashSaleSettings {
  /** Buys one user may start per second on this process (seckill.buysPerUserPerSecond). */
  readonly buysPerUserPerSecond: number;
  /** How long a sold-out flag answers before one buy checks again (seckill.soldOutRecheckMs). */
  readonly soldOutRecheckMs: number;
}

export interface FlashSales {
  readonly sales: SalesSnapshot;
  readonly gate: BuyGate;
  /** Stops listening to other instances' announcements. */
  close(): void;
}

export function createFlashSales(o: {
  seckill: Client<typeof SeckillServiceDefinition>;
  broadcast: Broadcast;
  clock: Clock;
  settings: FlashSaleSettings;
  warn: (err: unknown, message: string) => void;
}): FlashSales {
  const sales = createSalesSnapshot({
    clock: o.clock,
    load: async () => (await o.seckill.listSales({})).sales,
    onError: (err) => o.warn(err, 'flash sales: reading the sales failed; the buy path goes on with the last copy, and Buy decides for sales missing from it'),
  });
  const soldOut = createSoldOutFlags({
    recheckMs: o.settings.soldOutRecheckMs,
    clock: o.clock,
    announce: (saleId) => {
      try {
        o.broadcast.publish(SOLD_OUT_SUBJECT, String(saleId));
      } catch (err) {
        // Safe to go on: an instance that missed it learns "sold out" from its own next Buy.
        o.warn(err, 'flash sales: announcing a sell-out to the other gateways failed');
      }
    },
  });
  const decoder = new TextDecoder();
  // Announcements missed while the broadcast was away are not read back: each instance's own
  // next Buy of the sale answers sold_out and sets its flag, one RPC later.
  const subscription = o.broadcast.subscribe(SOLD_OUT_SUBJECT, (payload) => {
    const saleId = Number(decoder.decode(payload));
    if (Number.isSafeInteger(saleId) && saleId > 0) soldOut.heard(saleId);
  });
  const gate = createBuyGate({ limit: createBuyLimit({ perSecond: o.settings.buysPerUserPerSecond, clock: o.clock }), sales, soldOut, refusals: createRefusals(), clock: o.clock });
  return { sales, gate, close: () => subscription.unsubscribe() };
}
