// The embedded journal of reserved tickets, in the service's SQLite database: what the Redis
// stream is on the servers. A group of reservations written together (one event-loop turn's buys,
// sale-stock-memory.ts) is one row, so a turn costs one row write however many buys it answers.
// The ticket worker writes each ticket's own flash_tickets row once its order exists (or it was
// released), as on the servers, and a journal row is deleted once none of its tickets waits.
// After a restart, recover() reads the rows back: a ticket with no flash_tickets row still waits.
import type { ServiceDatabase } from '#kit/store';
import type { ReservedTicket } from './sale-stock.js';
import type { SeckillDB } from './tables.js';
import type { TicketModel } from './tickets.js';
import { decodeTicket, encodeTicket } from './ticket-record.js';

/** Ids per DELETE or lookup: well inside SQLite's bound variables. */
const CHUNK = 500;
/** Between a row's ticket records (a record is digits and ':'). */
const SEPARATOR = ' ';

export interface TicketJournal {
  /** Writes the group as one row, in one statement (all or nothing); its tickets wait until settled. */
  append(tickets: readonly ReservedTicket[]): Promise<void>;
  /** These tickets are finished (their flash_tickets rows are written): rows none of whose tickets waits are deleted. */
  settle(tickets: readonly ReservedTicket[]): Promise<void>;
  /**
   * At start, before any append(): the journal's tickets without a flash_tickets row, which wait
   * for their orders. Rows with none left (their deletion was cut short) are deleted.
   */
  recover(): Promise<ReservedTicket[]>;
}

export function createTicketJournal(store: ServiceDatabase<SeckillDB>, tickets: Pick<TicketModel, 'getMany'>): TicketJournal {
  /** Journal row → how many of its tickets wait; ticket → its row. A row's id is its first ticket's. */
  const waiting = new Map<number, number>();
  const rowOf = new Map<number, number>();
  const hold = (row: number, group: readonly ReservedTicket[]) => {
    waiting.set(row, group.length);
    for (const t of group) rowOf.set(t.ticketId, row);
  };
  const remove = async (rows: readonly number[]) => {
    for (let i = 0; i < rows.length; i += CHUNK) await store.db.deleteFrom('flash_journal').where('id', 'in', rows.slice(i, i + CHUNK)).execute();
  };
  return {
    async append(group) {
      if (group.length === 0) return;
      const first = group[0]!;
      await store.insertRows('flash_journal', [{ id: first.ticketId, tickets: group.map((t) => encodeTicket(t, t.bucket)).join(SEPARATOR), created_at: first.at }]);
      hold(first.ticketId, group);
    },
    async settle(done) {
      const empty: number[] = [];
      for (const t of done) {
        const row = rowOf.get(t.ticketId);
        if (row === undefined) continue; // settled before: a redelivered ticket
        rowOf.delete(t.ticketId);
        const left = waiting.get(row)! - 1;
        if (left > 0) waiting.set(row, left);
        else {
          waiting.delete(row);
          empty.push(row);
        }
      }
      await remove(empty);
    },
    async recover() {
      const rows = (await store.db.selectFrom('flash_journal').select(['id', 'tickets']).orderBy('id').execute()).map((r) => ({
        id: Number(r.id),
        group: r.tickets.split(SEPARATOR).map(decodeTicket),
      }));
      const ids = rows.flatMap((r) => r.group.map((t) => t.ticketId));
      const written = new Set<number>();
      for (let i = 0; i < ids.length; i += CHUNK) for (const id of (await tickets.getMany(ids.slice(i, i + CHUNK))).keys()) written.add(id);
      const open: ReservedTicket[] = [];
      const empty: number[] = [];
      for (const { id, group } of rows) {
        const left = group.filter((t) => !written.has(t.ticketId));
        if (left.length === 0) empty.push(id);
        else {
          hold(id, left);
          open.push(...left);
        }
      }
      await remove(empty);
      return open;
    },
  };
}
