// This instance's copy of the live sales, so a buy reads no database: each sale with its plan
// (what the sale stock needs), refreshed by the keeper every round, put on create, and read from
// the database once when a buy names a sale it does not know (another instance created it); an
// id that is not there is remembered as missing for a while, so made-up ids cannot reach the database.
import type { Clock } from '#kit/clock';
import type { SaleModel, SaleRow } from './model/sales.js';
import { MAX_LIVE_SALES } from './model/sales.js';
import type { SalePlan } from './model/sale-stock.js';

export interface BookedSale {
  readonly row: SaleRow;
  readonly plan: SalePlan;
}

export interface SaleBook {
  /** A known sale, without waiting. */
  peek(id: number): BookedSale | undefined;
  /** A known sale, or read from the database (open or ended ones; undefined for others and unknown ids). */
  get(id: number): Promise<BookedSale | undefined>;
  put(row: SaleRow): BookedSale;
  /** Reads every open sale again (the keeper's round). */
  refresh(): Promise<readonly BookedSale[]>;
  /** The open sales known now, soonest ending first. */
  live(): readonly BookedSale[];
}

/** How long an unknown id is answered "no such sale" without asking the database again. */
const MISS_MS = 1000;
const MAX_MISSES = 10_000;

export function createSaleBook(o: { sales: SaleModel; clock: Clock }): SaleBook {
  const byId = new Map<number, BookedSale>();
  const misses = new Map<number, number>();
  const put = (row: SaleRow): BookedSale => {
    const booked = { row, plan: { saleId: row.id, stock: row.stock, buckets: row.buckets, perUserLimit: row.per_user_limit } };
    byId.set(row.id, booked);
    misses.delete(row.id);
    return booked;
  };
  return {
    peek: (id) => byId.get(id),
    async get(id) {
      const known = byId.get(id);
      if (known) return known;
      const missedAt = misses.get(id);
      if (missedAt !== undefined && o.clock.now() - missedAt < MISS_MS) return undefined;
      const row = await o.sales.get(id);
      if (row && (row.state === 'open' || row.state === 'ended')) return put(row);
      if (misses.size >= MAX_MISSES) misses.clear();
      misses.set(id, o.clock.now());
      return undefined;
    },
    put,
    async refresh() {
      const rows = await o.sales.inStates(['open'], MAX_LIVE_SALES);
      const open = new Set(rows.map((r) => r.id));
      // An ended sale stays known (a buy of it is answered "ended"), as what the database says.
      for (const [id, b] of byId) if (!open.has(id) && b.row.state === 'open') byId.delete(id);
      return rows.map(put);
    },
    live: () => [...byId.values()].filter((b) => b.row.state === 'open').sort((a, b) => a.row.end_at - b.row.end_at || a.row.id - b.row.id),
  };
}
