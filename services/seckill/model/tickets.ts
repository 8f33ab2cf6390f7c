// The tickets' outcomes. A ticket's row only moves forward: reserved → ordered → released, or
// reserved → released; every write is conditional on the status it leaves, so a redelivered
// batch or a second release changes nothing.
import { sql } from 'kysely';
import type { ServiceDatabase } from '#kit/store';
import type { ReservedTicket } from './sale-stock.js';
import type { FlashTicketsTable, SeckillDB } from './tables.js';

export type TicketRow = FlashTicketsTable;

/** A ticket the worker finished: its order, or its refusal. */
export type TicketOutcome = { ticket: ReservedTicket; orderId: number } | { ticket: ReservedTicket; refusal: string };

export interface TicketModel {
  get(id: number): Promise<TicketRow | undefined>;
  /** The rows of these tickets that exist, by id. */
  getMany(ids: readonly number[]): Promise<Map<number, TicketRow>>;
  /** Every ticket of a sale (embedded start-up rebuilds the sale's counts from them). */
  ofSale(saleId: number): Promise<TicketRow[]>;
  /** Sales with 'reserved' rows, which databases written before flash_journal hold (embedded start-up puts those back in the journal). */
  salesWithReserved(): Promise<number[]>;
  /** The worker's batch: ordered tickets get their order id, refused ones are released; rows a release got to first keep 'released'. */
  record(outcomes: readonly TicketOutcome[], at: number): Promise<void>;
  /** Marks a ticket released (inserting its row when the worker has not written it yet); false when it was already. */
  release(ticket: ReservedTicket, reason: string, at: number): Promise<boolean>;
}

/** Rows per statement: SQLite binds at most 32,766 values, 11 per inserted row here. */
const CHUNK = 500;

const rowOf = (t: ReservedTicket, status: TicketRow['status'], orderId: number, reason: string, at: number): TicketRow => ({
  id: t.ticketId,
  sale_id: t.saleId,
  user_id: t.userId,
  quantity: t.quantity,
  address_id: t.addressId,
  bucket: t.bucket,
  status,
  order_id: orderId,
  release_reason: reason,
  created_at: t.at,
  updated_at: at,
});

export function createTicketModel(store: ServiceDatabase<SeckillDB>): TicketModel {
  const db = store.db;
  return {
    async get(id) {
      const row = await db.selectFrom('flash_tickets').selectAll().where('id', '=', id).executeTakeFirst();
      return row && normalize(row);
    },
    async getMany(ids) {
      if (ids.length === 0) return new Map();
      const rows = await db.selectFrom('flash_tickets').selectAll().where('id', 'in', [...ids]).execute();
      return new Map(rows.map((r) => [Number(r.id), normalize(r)]));
    },
    async ofSale(saleId) {
      return (await db.selectFrom('flash_tickets').selectAll().where('sale_id', '=', saleId).execute()).map(normalize);
    },
    async salesWithReserved() {
      const rows = await db.selectFrom('flash_tickets').select('sale_id').distinct().where('status', '=', 'reserved').execute();
      return rows.map((r) => Number(r.sale_id));
    },
    async record(outcomes, at) {
      if (outcomes.length === 0) return;
      const rows = outcomes.map((o) => ('orderId' in o ? rowOf(o.ticket, 'ordered', o.orderId, '', at) : rowOf(o.ticket, 'released', 0, o.refusal, at)));
      await store.transaction(async (trx) => {
        // Rows are not there yet (the journal holds the tickets): one INSERT IGNORE writes them,
        // keeping the row of a release that got there first. A database written before
        // flash_journal holds 'reserved' rows: one UPDATE moves those.
        for (let i = 0; i < rows.length; i += CHUNK) {
          const chunk = rows.slice(i, i + CHUNK);
          const inserted = await store.insertRows('flash_tickets', chunk, { executor: trx, ignore: true });
          if (inserted === chunk.length) continue;
          const pick = <K extends keyof TicketRow>(col: K) => sql.join(chunk.map((r) => sql`when ${r.id} then ${r[col]}`), sql` `);
          await trx
            .updateTable('flash_tickets')
            .set({
              status: sql<TicketRow['status']>`case id ${pick('status')} end`,
              order_id: sql<number>`case id ${pick('order_id')} end`,
              release_reason: sql<string>`case id ${pick('release_reason')} end`,
              updated_at: at,
            })
            .where('id', 'in', chunk.map((r) => r.id))
            .where('status', '=', 'reserved')
            .execute();
        }
      });
    },
    async release(ticket, reason, at) {
      return store.transaction(async (trx) => {
        const res = await trx
          .updateTable('flash_tickets')
          .set({ status: 'released', release_reason: reason, updated_at: at })
          .where('id', '=', ticket.ticketId)
          .where('status', '!=', 'released')
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) === 1) return true;
        return store.insertIgnore('flash_tickets', rowOf(ticket, 'released', 0, reason, at), { executor: trx });
      });
    },
  };
}

function normalize(r: TicketRow): TicketRow {
  return { ...r, id: Number(r.id), sale_id: Number(r.sale_id), user_id: Number(r.user_id), quantity: Number(r.quantity), address_id: Number(r.address_id), bucket: Number(r.bucket), order_id: Number(r.order_id), created_at: Number(r.created_at), updated_at: Number(r.updated_at) };
}
