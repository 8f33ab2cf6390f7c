// The embedded journal on SQLite (and MariaDB, where the table is created but unused): a group is
// one row; a row goes once each of its tickets is settled; after a restart, recover() hands back
// exactly the tickets without a flash_tickets row and drops rows with none left.
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabases } from '#kit/testing';
import type { ServiceDatabase } from '#kit/store';
import { seckillMigrations } from './migrations.js';
import type { ReservedTicket } from './sale-stock.js';
import type { SeckillDB } from './tables.js';
import { createTicketJournal } from './ticket-journal.js';
import { createTicketModel } from './tickets.js';

let next = 1_000;
const ticket = (saleId: number, userId: number): ReservedTicket => ({ saleId, ticketId: ++next, userId, quantity: 1 + (next % 3), addressId: 40 + userId, at: 1_700_000_000_000 + next, bucket: next % 4 });
const journalRows = async (db: ServiceDatabase<SeckillDB>) => (await db.db.selectFrom('flash_journal').select('id').orderBy('id').execute()).map((r) => Number(r.id));

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`seckill ticket journal on ${kind.name}`, () => {
    afterAll(() => kind.cleanup());

    it('writes a group as one row, drops it once every ticket is settled, and recovers the rest after a restart', async () => {
      const db = await kind.open<SeckillDB>('seckill', seckillMigrations);
      const tickets = createTicketModel(db);
      const journal = createTicketJournal(db, tickets);
      const a = [ticket(1, 1), ticket(1, 2), ticket(2, 3)];
      const b = [ticket(1, 4), ticket(1, 5)];
      const c = [ticket(2, 6)];
      for (const group of [a, b, c]) await journal.append(group);
      expect(await journalRows(db)).toEqual([a[0]!.ticketId, b[0]!.ticketId, c[0]!.ticketId]);

      // Group a finished in two batches: its row stays until the last of them; settling twice changes nothing.
      await journal.settle([a[0]!, a[2]!]);
      expect(await journalRows(db)).toHaveLength(3);
      await journal.settle([a[1]!, a[0]!]);
      expect(await journalRows(db)).toEqual([b[0]!.ticketId, c[0]!.ticketId]);

      // b[0] was ordered and written, but the process died before its row was settled.
      await tickets.record([{ ticket: b[0]!, orderId: 900 }], 1);
      const restarted = createTicketJournal(db, tickets);
      const waiting = await restarted.recover();
      expect(waiting.sort((x, y) => x.ticketId - y.ticketId)).toEqual([b[1]!, c[0]!]);

      // The recovered tickets settle as any others: b's row goes with b[1], c's with c[0].
      await restarted.settle([b[1]!]);
      expect(await journalRows(db)).toEqual([c[0]!.ticketId]);
      await restarted.settle([c[0]!]);
      expect(await journalRows(db)).toEqual([]);
      expect(await createTicketJournal(db, tickets).recover()).toEqual([]);
    });

    it('recover() drops a row whose tickets are all written (its deletion was cut short)', async () => {
      const db = await kind.open<SeckillDB>('seckill', seckillMigrations);
      const tickets = createTicketModel(db);
      const group = [ticket(3, 1), ticket(3, 2)];
      await createTicketJournal(db, tickets).append(group);
      await tickets.record([{ ticket: group[0]!, orderId: 7 }, { ticket: group[1]!, refusal: 'no_address' }], 2);
      expect(await createTicketJournal(db, tickets).recover()).toEqual([]);
      expect(await journalRows(db)).toEqual([]);
    });

    it('a group of thousands of tickets is one row and comes back whole', async () => {
      const db = await kind.open<SeckillDB>('seckill', seckillMigrations);
      const tickets = createTicketModel(db);
      const group = Array.from({ length: 3_000 }, (_, i) => ticket(4, i + 1));
      await createTicketJournal(db, tickets).append(group);
      expect(await journalRows(db)).toEqual([group[0]!.ticketId]);
      expect(await createTicketJournal(db, tickets).recover()).toEqual(group);
    });
  });
}
