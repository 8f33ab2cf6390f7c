// A sale's units and its buyers' counts, where the one atomic step of a buy runs: Redis (one Lua
// script per step, buckets spread over nodes) on the servers, this process's memory (with every
// reservation written to the service's SQLite database before it is answered) embedded. The
// reserved tickets wait in the store's journal until the ticket worker has made their orders.
//
// Buckets: a sale's stock is split into `buckets` parts (bucket i gets floor(stock / buckets),
// the first stock % buckets one more). A buyer's home bucket is userId mod buckets: the buyer's
// units count lives there, and a buy tries it first, then the others in turn when it has too few.
// A bucket never goes below zero, so no number of buckets sells more than the stock.

/** What a store needs of a sale. */
export interface SalePlan {
  readonly saleId: number;
  /** Units of the sale (what was taken from the product). */
  readonly stock: number;
  /** 1 .. 64. */
  readonly buckets: number;
  /** Units one buyer may reserve in the sale, across all buckets. */
  readonly perUserLimit: number;
}

/** One buy, as the store records it. */
export interface Reservation {
  readonly saleId: number;
  /** A snowflake from the buying request: unique, the ticket's id. */
  readonly ticketId: number;
  readonly userId: number;
  readonly quantity: number;
  readonly addressId: number;
  /** ms since the epoch. */
  readonly at: number;
}

/** A reservation as the journal hands it to the ticket worker: with the bucket that gave its units. */
export interface ReservedTicket extends Reservation {
  readonly bucket: number;
}

/**
 * reserved: the units are the buyer's and the ticket is in the journal. Refusals change nothing:
 * sold_out: no bucket has a unit left; not_enough: units are left but no bucket has `quantity`;
 * over_limit: the buyer's units would pass the sale's limit; closed: the sale has ended (end());
 * unloaded: the sale's units are not in the store (never loaded, or the store lost them: an
 * operator's matter, never reloaded by itself, which could sell units twice).
 */
export type ReserveOutcome =
  | { readonly status: 'reserved'; readonly bucket: number }
  | { readonly status: 'sold_out' | 'not_enough' | 'over_limit' | 'closed' | 'unloaded' };

/**
 * returned: the units are back in the bucket, for sale again; repeat: this ticket was returned
 * before (nothing changed); closed: the sale has ended, or its bucket is not in the store (never
 * loaded, or lost: it is not recreated holding only these units), nothing changed (the caller
 * gives the units to the product instead).
 */
export type ReleaseOutcome = 'returned' | 'repeat' | 'closed';

export interface SaleStock {
  /**
   * Puts the sale's units into its buckets (and opens its journal). Call it once per sale, before
   * its first buy: a bucket that exists is left as it is, so a second call never adds units.
   */
  load(plan: SalePlan): Promise<void>;
  /** The atomic step: the buyer's limit and a bucket's units checked and taken, and the ticket journaled, together or not at all. */
  reserve(plan: SalePlan, r: Reservation): Promise<ReserveOutcome>;
  /** Gives a ticket's units back to the bucket they came from, once per ticket (the buyer's count is not given back: docs/flash-sale.md). */
  release(plan: SalePlan, ticket: { ticketId: number; bucket: number; quantity: number }): Promise<ReleaseOutcome>;
  /** Ends the sale's selling: every later reserve is refused 'closed'. Answers the units that were left, the same number on every call. */
  end(plan: SalePlan): Promise<number>;
  /** Units left in all buckets now (0 once closed). */
  left(plan: SalePlan): Promise<number>;
  /** A ticket still in the journal (reserved, its order not made yet), or undefined. */
  pending(plan: SalePlan, ticketId: number): Promise<ReservedTicket | undefined>;
  /**
   * The journal: up to `max` reserved tickets of any sale that no worker has finished, waiting at
   * most waitMs for one to come. A ticket a worker took and did not finish (it died) comes back
   * after the store's claim time. Not for two concurrent callers in one process.
   */
  take(max: number, waitMs: number): Promise<ReservedTicket[]>;
  /** Those tickets are finished (ordered or released and written to the service's database): off the journal. */
  done(tickets: readonly ReservedTicket[]): Promise<void>;
  /** Stops waiting in take() and lets go of connections it opened. */
  close(): Promise<void>;
}

/** Bucket i's share of the stock. */
export function bucketStock(stock: number, buckets: number, i: number): number {
  return Math.floor(stock / buckets) + (i < stock % buckets ? 1 : 0);
}

/** The buyer's home bucket. */
export function homeBucket(userId: number, buckets: number): number {
  return userId % buckets;
}
