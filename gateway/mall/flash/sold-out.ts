// A local "sold out" flag per flash sale, so a flood after the sell-out is answered here without
// an RPC. A flag is set when a Buy answers sold_out on this instance (and then announced to the
// others over the broadcast) or when another instance's announcement arrives. Units come back
// while the sale runs (an unpaid order times out, a buyer cancels), so a flag answers for
// `recheckMs` and then lets ONE buy through to ask again: sold out again restarts the wait,
// units reserved drop the flag, anything else (the call failed, the buyer's limit) lets the next
// buy ask instead. A check that is never settled (its request ended before Buy) counts as lost
// after another `recheckMs`, so a flag can never stay shut for good.
import type { Clock } from '#kit/clock';
import { errors } from '#kit/errors';
import { isSoldOut } from './refusals.js';

/** What the Buy let through answered: units reserved, sold out, or anything else (learned nothing about stock). */
export type BuyOutcome = 'reserved' | 'sold_out' | 'other';

/** A buy let through; settle it once with what Buy answered. */
export interface SoldOutPass {
  settle(outcome: BuyOutcome): void;
}

/** Buy under a pass, which is settled with what `buy` answered, always: the route and the lane call it. */
export async function buyUnder<T>(pass: SoldOutPass, buy: () => Promise<T>): Promise<T> {
  let outcome: BuyOutcome = 'other';
  try {
    const ticket = await buy();
    outcome = 'reserved';
    return ticket;
  } catch (err) {
    if (isSoldOut(err)) outcome = 'sold_out';
    throw err;
  } finally {
    pass.settle(outcome);
  }
}

export interface SoldOutFlagsOptions {
  /** How long a flag answers "sold out" before one buy is let through to check (seckill.soldOutRecheckMs). */
  recheckMs: number;
  /** Its monotonic() times the flags. */
  clock: Clock;
  /** Called when a buy here newly learns that a sale is sold out (not for what was heard): publish it to the other instances. */
  announce: (saleId: number) => void;
}

export interface SoldOutFlags {
  /** undefined: answer "sold out" now, without an RPC; otherwise call Buy and settle the pass. */
  enter(saleId: number): SoldOutPass | undefined;
  /** Another instance announced that the sale is sold out. */
  heard(saleId: number): void;
  /** Sales flagged now. */
  readonly size: number;
}

interface Flag {
  /** monotonic ms when sold out was last learned */
  since: number;
  /** the buy through to check again, while it is out (one at a time) */
  probe: SoldOutPass | undefined;
  /** monotonic ms when that buy went through */
  probeAt: number;
}

export function createSoldOutFlags(o: SoldOutFlagsOptions): SoldOutFlags {
  if (!Number.isInteger(o.recheckMs) || o.recheckMs < 1) throw errors.invalid('recheckMs', 'must be a positive whole number of ms');
  const flags = new Map<number, Flag>();

  const learnSoldOut = (saleId: number, announce: boolean) => {
    const flag = flags.get(saleId);
    if (flag) {
      flag.since = o.clock.monotonic();
      return;
    }
    flags.set(saleId, { since: o.clock.monotonic(), probe: undefined, probeAt: 0 });
    // Only news is announced: the buys in flight when the stock ran out answer sold_out together.
    if (announce) o.announce(saleId);
  };

  /** A buy through while no flag was set. */
  const plain = (saleId: number): SoldOutPass => ({
    settle(outcome) {
      if (outcome === 'sold_out') learnSoldOut(saleId, true);
    },
  });

  /** The one buy through a flag to check again. */
  const probe = (saleId: number, flag: Flag): SoldOutPass => {
    const pass: SoldOutPass = {
      settle(outcome) {
        // Settled before, or counted as lost and replaced: this check is not the flag's to change.
        if (flag.probe !== pass || flags.get(saleId) !== flag) {
          if (outcome === 'sold_out') learnSoldOut(saleId, true);
          return;
        }
        flag.probe = undefined;
        if (outcome === 'reserved') flags.delete(saleId);
        else if (outcome === 'sold_out') flag.since = o.clock.monotonic();
      },
    };
    return pass;
  };

  return {
    enter(saleId) {
      const flag = flags.get(saleId);
      if (flag === undefined) return plain(saleId);
      const now = o.clock.monotonic();
      if (now - flag.since < o.recheckMs) return undefined;
      if (flag.probe !== undefined && now - flag.probeAt < o.recheckMs) return undefined;
      flag.probe = probe(saleId, flag);
      flag.probeAt = now;
      return flag.probe;
    },
    heard(saleId) {
      learnSoldOut(saleId, false);
    },
    get size() {
      return flags.size;
    },
  };
}
