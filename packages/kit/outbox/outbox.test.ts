// The outbox on SQLite and, when reachable, MariaDB: events commit with the fact or not at all,
// reach the queue after flush or the poll, survive a relay that could not publish, and are
// applied exactly once by consumers even when delivered twice or concurrently.
import { afterAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { ManualClock, systemClock } from '#kit/clock';
import { createMemoryQueue, type Queue, type QueueMessage } from '#kit/queue';
import type { Migration } from '#kit/store';
import { testDatabases } from '#kit/testing';
import { applyEachOnce, applyOnce, createOutbox, outboxMigrations, type OutboxTables } from './index.js';

interface DB extends OutboxTables {
  facts: { id: number; n: number };
}
const migrations: Record<string, Migration> = {
  ...outboxMigrations,
  '0001_facts': { up: (db) => db.schema.createTable('facts').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('n', 'integer', (c) => c.notNull()).execute() },
};
const log = pino({ level: 'silent' });

const waitFor = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`outbox on ${kind.name}`, () => {
    const cleanups: (() => Promise<unknown>)[] = [];
    afterAll(async () => {
      for (const c of cleanups.reverse()) await c();
      await kind.cleanup();
    });
    const open = () => kind.open<DB>('facts', migrations);

    const received = async (queue: Queue, topic: string) => {
      const got: QueueMessage<{ id: number }>[] = [];
      const sub = await queue.subscribe<{ id: number }>(topic, 'test', async (m) => void got.push(m));
      cleanups.push(() => sub.close());
      return got;
    };

    it('publishes an event after its transaction commits, and deletes the row', async () => {
      const sdb = await open();
      const queue = createMemoryQueue();
      cleanups.push(() => queue.close());
      const got = await received(queue, 'fact.added');
      const outbox = createOutbox({ db: sdb, queue, clock: systemClock, log, pollMs: 60_000 });
      cleanups.push(() => outbox.close());
      await sdb.transaction(async (trx) => {
        await trx.insertInto('facts').values({ id: 1, n: 1 }).execute();
        await outbox.add(trx, 'fact.added', { id: 1 });
      });
      outbox.flush();
      await waitFor(() => got.length === 1);
      expect(got[0]!.data).toEqual({ id: 1 });
      await waitFor(() => false, 50).catch(() => undefined);
      expect(await sdb.db.selectFrom('surge_outbox').selectAll().execute()).toEqual([]);
    });

    it('keeps no event when the transaction rolls back', async () => {
      const sdb = await open();
      const queue = createMemoryQueue();
      cleanups.push(() => queue.close());
      const outbox = createOutbox({ db: sdb, queue, clock: systemClock, log, pollMs: 60_000 });
      cleanups.push(() => outbox.close());
      await expect(
        sdb.transaction(async (trx) => {
          await outbox.add(trx, 'fact.added', { id: 2 });
          throw new Error('the fact failed');
        }),
      ).rejects.toThrow('the fact failed');
      expect(await sdb.db.selectFrom('surge_outbox').selectAll().execute()).toEqual([]);
    });

    it('publishes rows left by a relay that could not publish, on the next poll', async () => {
      const sdb = await open();
      const queue = createMemoryQueue();
      cleanups.push(() => queue.close());
      const got = await received(queue, 'fact.added');
      let down = true;
      const flaky: Queue = { ...queue, publish: (t, data, opt) => (down ? Promise.reject(new Error('queue down')) : queue.publish(t, data, opt)) };
      const outbox = createOutbox({ db: sdb, queue: flaky, clock: systemClock, log, pollMs: 30 });
      cleanups.push(() => outbox.close());
      for (let i = 0; i < 3; i++) await sdb.transaction((trx) => outbox.add(trx, 'fact.added', { id: i }));
      outbox.flush();
      await new Promise((r) => setTimeout(r, 80));
      expect(got).toHaveLength(0);
      expect(await sdb.db.selectFrom('surge_outbox').selectAll().execute()).toHaveLength(3);
      down = false;
      await waitFor(() => got.length === 3);
      expect(got.map((m) => m.data.id).sort()).toEqual([0, 1, 2]);
    });

    it('relays more rows than one round holds', async () => {
      const sdb = await open();
      const queue = createMemoryQueue();
      cleanups.push(() => queue.close());
      const got = await received(queue, 'fact.added');
      const outbox = createOutbox({ db: sdb, queue, clock: systemClock, log, pollMs: 60_000, batch: 7 });
      cleanups.push(() => outbox.close());
      await sdb.transaction(async (trx) => {
        for (let i = 0; i < 30; i++) await outbox.add(trx, 'fact.added', { id: i });
      });
      outbox.flush();
      await waitFor(() => got.length === 30);
      expect(new Set(got.map((m) => m.id)).size).toBe(30);
    });

    it('applies an event once when it is delivered twice, and once under concurrent deliveries', async () => {
      const sdb = await open();
      await sdb.db.insertInto('facts').values({ id: 10, n: 0 }).execute();
      const bump = (trx: Parameters<Parameters<typeof sdb.transaction>[0]>[0]) => trx.updateTable('facts').set((eb) => ({ n: eb('n', '+', 1) })).where('id', '=', 10).execute().then(() => undefined);
      expect(await applyOnce(sdb, 'g:e1', bump)).toBe(true);
      expect(await applyOnce(sdb, 'g:e1', bump)).toBe(false);
      const results = await Promise.all(Array.from({ length: 20 }, () => applyOnce(sdb, 'g:e2', bump)));
      expect(results.filter(Boolean)).toHaveLength(1);
      await Promise.all(Array.from({ length: 20 }, (_, i) => applyOnce(sdb, `g:f${i}`, bump)));
      const row = await sdb.db.selectFrom('facts').select('n').where('id', '=', 10).executeTakeFirstOrThrow();
      expect(Number(row.n)).toBe(22);
    });

    it('applies a batch once per key: repeats within it and keys applied before are left out, and a failed batch records nothing', async () => {
      const sdb = await open();
      await sdb.db.insertInto('facts').values({ id: 11, n: 0 }).execute();
      const add = (trx: Parameters<Parameters<typeof sdb.transaction>[0]>[0], items: { key: string; n: number }[]) =>
        trx.updateTable('facts').set((eb) => ({ n: eb('n', '+', items.reduce((sum, i) => sum + i.n, 0)) })).where('id', '=', 11).execute().then(() => undefined);
      const key = (i: { key: string }) => i.key;
      expect(await applyOnce(sdb, 'b:1', async () => undefined)).toBe(true);
      expect(await applyEachOnce(sdb, [{ key: 'b:1', n: 100 }, { key: 'b:2', n: 2 }, { key: 'b:2', n: 2 }, { key: 'b:3', n: 3 }], key, add)).toBe(2);
      expect(await applyEachOnce(sdb, [{ key: 'b:2', n: 2 }, { key: 'b:3', n: 3 }], key, add)).toBe(0);
      await expect(applyEachOnce(sdb, [{ key: 'b:4', n: 4 }], key, async () => Promise.reject(new Error('effect failed')))).rejects.toThrow('effect failed');
      expect(await applyEachOnce(sdb, [{ key: 'b:4', n: 4 }], key, add)).toBe(1);
      // Concurrent batches sharing keys: some may fail on the duplicate; retried, each key counts once.
      const batches = Array.from({ length: 6 }, (_, b) => Array.from({ length: 5 }, (_, i) => ({ key: `c:${(b + i) % 10}`, n: 10 })));
      const settle = async (batch: { key: string; n: number }[]): Promise<void> => {
        for (let attempt = 0; ; attempt++) {
          try {
            await applyEachOnce(sdb, batch, key, add);
            return;
          } catch (err) {
            if (attempt > 20) throw err;
          }
        }
      };
      await Promise.all(batches.map(settle));
      const row = await sdb.db.selectFrom('facts').select('n').where('id', '=', 11).executeTakeFirstOrThrow();
      expect(Number(row.n)).toBe(2 + 3 + 4 + 10 * 10);
    });

    it('does not record the key when the effect fails, so the redelivery applies it', async () => {
      const sdb = await open();
      await expect(applyOnce(sdb, 'g:e3', async () => Promise.reject(new Error('effect failed')))).rejects.toThrow('effect failed');
      expect(await applyOnce(sdb, 'g:e3', async () => undefined)).toBe(true);
    });

    it('prunes applied keys older than keepMs', async () => {
      const sdb = await open();
      const clock = new ManualClock(1_000_000);
      await applyOnce(sdb, 'g:old', async () => undefined, { clock, random: () => 0.5 });
      clock.advance(10_000);
      await applyOnce(sdb, 'g:new', async () => undefined, { clock, keepMs: 5_000, random: () => 0 });
      const keys = (await sdb.db.selectFrom('surge_applied_events').select('id').execute()).map((r) => r.id);
      expect(keys).toEqual(['g:new']);
    });
  });
}
