// The flash sales, one row each; the state moves taking → open → ended (or taking → failed), each
// step one conditional UPDATE so two instances running the same step change it once.
import type { ServiceDatabase } from '#kit/store';
import type { FlashSalesTable, SaleState, SeckillDB } from './tables.js';

export type SaleRow = FlashSalesTable;

export interface SaleModel {
  insert(row: SaleRow): Promise<void>;
  get(id: number): Promise<SaleRow | undefined>;
  /** Sales in these states, soonest ending first (at most `limit`). */
  inStates(states: readonly SaleState[], limit: number): Promise<SaleRow[]>;
  /** Moves a sale from one state to another; false when it was not in `from` (another instance got there first). */
  move(id: number, from: SaleState, to: SaleState, at: number, leftAtEnd?: number): Promise<boolean>;
}

/** The most sales one round of the keeper or one list reads: sales are few and each lasts at most 30 days. */
export const MAX_LIVE_SALES = 500;

export function createSaleModel(store: ServiceDatabase<SeckillDB>): SaleModel {
  const db = store.db;
  return {
    async insert(row) {
      await db.insertInto('flash_sales').values(row).execute();
    },
    async get(id) {
      const row = await db.selectFrom('flash_sales').selectAll().where('id', '=', id).executeTakeFirst();
      return row && normalize(row);
    },
    async inStates(states, limit) {
      const rows = await db.selectFrom('flash_sales').selectAll().where('state', 'in', [...states]).orderBy('end_at').orderBy('id').limit(limit).execute();
      return rows.map(normalize);
    },
    async move(id, from, to, at, leftAtEnd) {
      const res = await db
        .updateTable('flash_sales')
        .set({ state: to, updated_at: at, ...(leftAtEnd === undefined ? {} : { left_at_end: leftAtEnd }) })
        .where('id', '=', id)
        .where('state', '=', from)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },
  };
}

/** MariaDB answers bigint columns as strings: numbers, as the rest of the service expects. */
function normalize(r: SaleRow): SaleRow {
  return {
    ...r,
    id: Number(r.id),
    product_id: Number(r.product_id),
    price_cents: Number(r.price_cents),
    original_price_cents: Number(r.original_price_cents),
    stock: Number(r.stock),
    buckets: Number(r.buckets),
    per_user_limit: Number(r.per_user_limit),
    start_at: Number(r.start_at),
    end_at: Number(r.end_at),
    left_at_end: Number(r.left_at_end),
    created_at: Number(r.created_at),
    updated_at: Number(r.updated_at),
  };
}
