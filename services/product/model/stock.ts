// Stock changes of the saga branches and of the flash sales' bulk moves, each one conditional
// UPDATE in the caller's transaction (the barrier's): the database, not a read-then-write in this
// process, decides whether the units are there, so concurrent reservations and takes on any
// number of instances never sell more than the stock.
import { sql, type Kysely } from 'kysely';
import type { BranchRef } from '#kit/saga';
import type { ProductDB } from './tables.js';

export interface StockLine {
  productId: number;
  quantity: number;
}

export type ShortReason = 'out_of_stock' | 'off_shelf' | 'not_found';

/** Why a product's units could not be taken, read in the transaction that tried. */
export interface Shortfall {
  productId: number;
  reason: ShortReason;
  left: number;
}

export interface StockModel {
  /** Takes every line or reports the first it could not take (the caller rolls the transaction back). Lines in product id order. */
  reserve(trx: Kysely<ProductDB>, lines: readonly StockLine[]): Promise<Shortfall | undefined>;
  /** Gives every line back (sales never below 0). */
  release(trx: Kysely<ProductDB>, lines: readonly StockLine[]): Promise<void>;
  /** A flash sale's units: taken from an on-sale product's stock, sales untouched (they move when the sale's orders do), or the reason not. */
  take(trx: Kysely<ProductDB>, line: StockLine): Promise<Shortfall | undefined>;
  /** Units given back to the stock whatever the product's status, sales untouched; false when there is no such product. */
  give(trx: Kysely<ProductDB>, line: StockLine): Promise<boolean>;
  /** Whether the branch's compensation has been recorded by the barrier (a reservation after it is refused, not answered as done). */
  released(ref: BranchRef): Promise<boolean>;
}

/** Product id order: two reservations of the same products lock their rows in one order (no deadlock on MariaDB). */
const inIdOrder = (lines: readonly StockLine[]) => [...lines].sort((a, b) => a.productId - b.productId);

/** Takes `quantity` units of an on-sale product, counting them as sold or not; the shortfall when it cannot. */
async function takeOne(trx: Kysely<ProductDB>, { productId, quantity }: StockLine, sold: boolean): Promise<Shortfall | undefined> {
  const res = await trx
    .updateTable('products')
    .set(sold ? { stock: sql<number>`stock - ${quantity}`, sales: sql<number>`sales + ${quantity}` } : { stock: sql<number>`stock - ${quantity}` })
    .where('id', '=', productId)
    .where('status', '=', 'on_sale')
    .where('stock', '>=', quantity)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 1) return undefined;
  // Why not, for the caller's message: read in the same transaction, so it is the state that refused.
  const row = await trx.selectFrom('products').select(['status', 'stock']).where('id', '=', productId).executeTakeFirst();
  const reason: ShortReason = !row ? 'not_found' : row.status !== 'on_sale' ? 'off_shelf' : 'out_of_stock';
  return { productId, reason, left: row ? Number(row.stock) : 0 };
}

export function createStockModel(db: Kysely<ProductDB>): StockModel {
  return {
    async reserve(trx, lines) {
      for (const line of inIdOrder(lines)) {
        const short = await takeOne(trx, line, true);
        if (short) return short;
      }
      return undefined;
    },

    async release(trx, lines) {
      for (const { productId, quantity } of inIdOrder(lines)) {
        await trx
          .updateTable('products')
          .set({ stock: sql<number>`stock + ${quantity}`, sales: sql<number>`case when sales < ${quantity} then 0 else sales - ${quantity} end` })
          .where('id', '=', productId)
          .execute();
      }
    },

    take: (trx, line) => takeOne(trx, line, false),

    async give(trx, { productId, quantity }) {
      const res = await trx.updateTable('products').set({ stock: sql<number>`stock + ${quantity}` }).where('id', '=', productId).executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    async released(ref) {
      const row = await db
        .selectFrom('surge_saga_barrier')
        .select('op')
        .where('gid', '=', ref.gid)
        .where('branch', '=', ref.branch)
        .where('op', '=', 'compensate')
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}
