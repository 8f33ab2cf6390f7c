// The coordinator on SQLite and MariaDB, time on a ManualClock: each flow is proved by the effect
// rows the participants wrote through their barrier (exactly once, or compensated once), the calls
// made in order, and the stored row. Coordinators "crash" by closing while a branch call is held:
// their lease stops being renewed, as a killed process's does (test/saga-crash.test.ts kills one).
import { randomUUID } from 'node:crypto';
import type { Kysely, KyselyPlugin } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { Registry } from 'prom-client';
import { ManualClock } from '#kit/clock';
import { Code, errors, SurgeError } from '#kit/errors';
import type { Migration, ServiceDatabase } from '#kit/store';
import { refusalOf, testDatabases } from '#kit/testing';
import { createSagaAdmin, createSagaCoordinator, defineSaga, sagaMigrations, type SagaCoordinatorOptions, type SagaTables } from './index.js';
import { effectBranches, effectsOf, failing, gate, outOfStock, participantMigrations, type Hooks, type ParticipantTables } from './testing/participants.js';

interface Payload {
  orderId: number;
  sku: string;
  qty: number;
}
const payload: Payload = { orderId: 7, sku: 'sku-1', qty: 2 };
const log = pino({ level: 'silent' });
const LEASE = 3_000;

/** Moves the manual clock in small steps until p settles (back-offs and renewals fire on the way). */
async function settle<T>(p: Promise<T>, clock: ManualClock, stepMs = 100, timeoutMs = 15_000): Promise<T> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  const end = Date.now() + timeoutMs;
  while (!done) {
    if (Date.now() > end) throw new Error('timed out waiting for the saga to settle');
    clock.advance(stepMs);
    await new Promise((r) => setTimeout(r, 2));
  }
  return p;
}

async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A table of the coordinating service's own, written alongside a new transaction (as order keys are). */
interface CallerTables extends SagaTables {
  caller_keys: { idem_key: string; gid: string };
}
const coordinatorMigrations: Record<string, Migration> = {
  ...sagaMigrations,
  '0001_caller_keys': {
    up: (db: Kysely<any>) =>
      db.schema.createTable('caller_keys').addColumn('idem_key', 'varchar(64)', (c) => c.primaryKey()).addColumn('gid', 'varchar(64)', (c) => c.notNull()).execute(),
  },
};

/**
 * The database with its writes counted: statements other than SELECT, and commits (a
 * transaction, or a write outside one). Only for tests driving one transaction at a time.
 */
function countingWrites<DB>(sdb: ServiceDatabase<DB>): { db: ServiceDatabase<DB>; counts: { writes: number; commits: number } } {
  const counts = { writes: 0, commits: 0 };
  let inside = 0;
  const plugin: KyselyPlugin = {
    transformQuery({ node }) {
      if (node.kind !== 'SelectQueryNode') {
        counts.writes++;
        if (inside === 0) counts.commits++;
      }
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  const db = sdb.db.withPlugin(plugin);
  const counted: ServiceDatabase<DB> = {
    db,
    dialect: sdb.dialect,
    async transaction(fn) {
      inside++;
      try {
        const result = await db.transaction().execute(fn);
        counts.commits++;
        return result;
      } finally {
        inside--;
      }
    },
    ping: () => sdb.ping(),
    insertReturningId: (table, values, o) => sdb.insertReturningId(table, values, { executor: o?.executor ?? db }),
    insertIgnore: (table, values, o) => sdb.insertIgnore(table, values, { executor: o?.executor ?? db }),
    insertRows: (table, rows, o) => sdb.insertRows(table, rows, { ...o, executor: o?.executor ?? db }),
    upsert: (table, values, o) => sdb.upsert(table, values, { ...o, executor: o.executor ?? db }),
    increment: (table, column, where, o) => sdb.increment(table, column, where, { executor: o?.executor ?? db }),
    close: async () => undefined,
  };
  return { db: counted, counts };
}

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`saga coordinator on ${kind.name}`, () => {
    const closers: (() => Promise<unknown>)[] = [];
    afterAll(async () => {
      for (const close of closers.reverse()) await close();
      await kind.cleanup();
    });

    /** Fresh databases for one test: the coordinator's and one participant's. */
    async function setup() {
      const coordinatorDb = await kind.open<CallerTables>('orders', coordinatorMigrations);
      const participantDb = (await kind.open<ParticipantTables>('stock', participantMigrations)) as ServiceDatabase<ParticipantTables>;
      const clock = new ManualClock();
      const calls: string[] = [];
      const saga = (hooks: Hooks = {}, names = ['stock', 'order']) => defineSaga<Payload>('order.create', effectBranches<Payload>(participantDb, names, hooks, calls));
      const coordinator = (sagas: SagaCoordinatorOptions['sagas'], extra: Partial<SagaCoordinatorOptions> = {}) => {
        const c = createSagaCoordinator({ db: coordinatorDb, sagas, owner: `node-${randomUUID().slice(0, 8)}`, log, clock, leaseMs: LEASE, retry: { baseMs: 100, maxMs: 1_000, maxAttempts: 4 }, random: () => 0.5, ...extra });
        closers.push(() => c.close());
        return c;
      };
      const row = (gid: string) => coordinatorDb.db.selectFrom('surge_saga').selectAll().where('gid', '=', gid).executeTakeFirstOrThrow();
      const branchRows = async (gid: string) =>
        (await coordinatorDb.db.selectFrom('surge_saga_branch').select(['name', 'action', 'compensation']).where('gid', '=', gid).orderBy('idx').execute()).map((b) => `${b.name}:${b.action}/${b.compensation}`);
      return { coordinatorDb, participantDb, clock, calls, saga, coordinator, row, branchRows, effects: (gid: string) => effectsOf(participantDb, gid) };
    }

    it('success: every action once, in order; the row finished with each branch done', async () => {
      const t = await setup();
      const registry = new Registry();
      const def = t.saga();
      const c = t.coordinator([def], { registry });
      const started = t.clock.now();
      const outcome = await settle(c.run(def, payload), t.clock);
      expect(outcome.status).toBe('succeeded');
      expect(t.calls).toEqual(['stock.action', 'order.action']);
      expect(await t.effects(outcome.gid)).toEqual(['order.action', 'stock.action']);
      const stored = await t.row(outcome.gid);
      expect(stored).toMatchObject({ status: 'succeeded', owner: '', step: 2, payload: JSON.stringify(payload) });
      expect(stored.finished_at).toBeGreaterThanOrEqual(started);
      expect(stored.finished_at).toBeLessThanOrEqual(t.clock.now());
      expect(await t.branchRows(outcome.gid)).toEqual(['stock:done/none', 'order:done/none']);
      expect(await registry.metrics()).toMatch(/surge_saga_transactions_total\{saga="order.create",outcome="succeeded"\} 1/);
    });

    it('straight through, the row is written in one commit per branch plus its creation: each step\'s first call counted by the write before it, the last move finishing it', async () => {
      const t = await setup();
      const { db, counts } = countingWrites(t.coordinatorDb);
      const attempts: number[] = [];
      const seen = { before: (call: { attempt: number }) => void attempts.push(call.attempt) };
      const def = t.saga({ 'stock.action': seen, 'order.action': seen });
      // No clock moves here, so no lease renewal adds a write.
      const outcome = await t.coordinator([def], { db }).run(def, payload);
      expect(outcome.status).toBe('succeeded');
      expect(attempts).toEqual([1, 1]);
      expect(await t.effects(outcome.gid)).toEqual(['order.action', 'stock.action']);
      expect(await t.row(outcome.gid)).toMatchObject({ status: 'succeeded', owner: '', lease_until: 0, step: 2, attempts: 0 });
      expect(await t.branchRows(outcome.gid)).toEqual(['stock:done/none', 'order:done/none']);
      // The creation (the row, its branch rows) and two moves; a MariaDB move is one joined UPDATE.
      expect(counts.commits).toBe(3);
      expect(counts.writes).toBe(t.coordinatorDb.dialect === 'mysql' ? 4 : 6);
    });

    it('a move whose owner lost the transaction changes neither the cursor nor the branch row', async () => {
      const t = await setup();
      const held = gate();
      const def = t.saga({ 'stock.action': { after: held.hook } });
      const a = t.coordinator([def]);
      const running = a.run(def, payload);
      await held.reached;
      const gid = (await t.coordinatorDb.db.selectFrom('surge_saga').select('gid').executeTakeFirstOrThrow()).gid;
      // Another instance took it (as a claim after an expired lease does), while the call was in flight.
      await t.coordinatorDb.db.updateTable('surge_saga').set({ owner: 'someone-else' }).where('gid', '=', gid).execute();
      held.release();
      expect(await running).toEqual({ gid, status: 'pending' });
      expect(await t.row(gid)).toMatchObject({ status: 'running', owner: 'someone-else', step: 0, attempts: 1 });
      expect(await t.branchRows(gid)).toEqual(['stock:pending/none', 'order:pending/none']);
    });

    it('alongside: the caller\'s writes commit with a new transaction\'s row, or neither when they throw; not called for a gid that exists', async () => {
      const t = await setup();
      const def = t.saga();
      const c = t.coordinator([def]);
      const keyOf = (gid: string, key: string) => async (trx: Kysely<any>) => {
        const inserted = await t.coordinatorDb.insertIgnore('caller_keys', { idem_key: key, gid }, { executor: trx });
        if (!inserted) throw new SurgeError(Code.AlreadyExists, `key ${key} is taken`);
      };
      const keys = () => t.coordinatorDb.db.selectFrom('caller_keys').selectAll().orderBy('idem_key').execute();
      expect(await c.run(def, payload, { gid: 'g-1', alongside: keyOf('g-1', 'k-1') })).toEqual({ gid: 'g-1', status: 'succeeded' });
      expect(await keys()).toEqual([{ idem_key: 'k-1', gid: 'g-1' }]);

      // The key is taken: no transaction, no branch called, the error passes through.
      await expect(c.run(def, payload, { gid: 'g-2', alongside: keyOf('g-2', 'k-1') })).rejects.toMatchObject({ code: Code.AlreadyExists });
      expect(await t.coordinatorDb.db.selectFrom('surge_saga').select('gid').where('gid', '=', 'g-2').execute()).toEqual([]);
      expect(await t.coordinatorDb.db.selectFrom('surge_saga_branch').select('gid').where('gid', '=', 'g-2').execute()).toEqual([]);
      expect(t.calls).toEqual(['stock.action', 'order.action']);

      // A gid that exists: its outcome, and the caller's writes are not made.
      let called = false;
      expect(await c.run(def, payload, { gid: 'g-1', alongside: async () => void (called = true) })).toEqual({ gid: 'g-1', status: 'succeeded' });
      expect(called).toBe(false);

      // Eight transactions racing for one key: exactly one is written and driven.
      const raced = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => c.run(def, payload, { gid: `r-${i}`, alongside: keyOf(`r-${i}`, 'k-race') })));
      const won = raced.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      expect(raced.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason.code === Code.AlreadyExists)).toBe(true);
      const winner = (won[0] as PromiseFulfilledResult<{ gid: string; status: string }>).value;
      expect(winner.status).toBe('succeeded');
      expect((await keys()).find((k) => k.idem_key === 'k-race')).toEqual({ idem_key: 'k-race', gid: winner.gid });
      expect((await t.coordinatorDb.db.selectFrom('surge_saga').select('gid').where('gid', 'like', 'r-%').execute()).map((r) => r.gid)).toEqual([winner.gid]);
    });

    it('a business refusal compensates every branch that may have run, in reverse, the refused one included (a no-op through its barrier)', async () => {
      const t = await setup();
      const def = t.saga({ 'ship.action': { before: () => Promise.reject(outOfStock()) } }, ['stock', 'order', 'ship', 'notify']);
      const outcome = await settle(t.coordinator([def]).run(def, payload), t.clock);
      expect(outcome.status).toBe('compensated');
      if (outcome.status !== 'compensated') return;
      expect(outcome.reason).toBeInstanceOf(SurgeError);
      expect(outcome.reason).toMatchObject({ code: Code.FailedPrecondition, message: 'sku-1: out of stock' });
      expect(t.calls).toEqual(['stock.action', 'order.action', 'ship.action', 'ship.compensate', 'order.compensate', 'stock.compensate']);
      expect(await t.effects(outcome.gid)).toEqual(['order.action', 'order.compensate', 'stock.action', 'stock.compensate']);
      expect(await t.branchRows(outcome.gid)).toEqual(['stock:done/done', 'order:done/done', 'ship:refused/done', 'notify:pending/none']);
      expect(await t.row(outcome.gid)).toMatchObject({ status: 'compensated', phase: 'compensate', step: -1, reason_code: Code.FailedPrecondition });
      // A replay of the gid (another instance, after a restart) answers the same refusal, its details included.
      const replayed = await t.coordinator([def]).run(def, payload, { gid: outcome.gid });
      expect(replayed.status).toBe('compensated');
      if (replayed.status !== 'compensated') return;
      expect(replayed.reason).toMatchObject({ code: Code.FailedPrecondition, message: 'sku-1: out of stock', details: { field: 'qty' } });
    });

    it('a refused action that had committed before answering is compensated too', async () => {
      const t = await setup();
      const def = t.saga({ 'order.action': { after: () => Promise.reject(errors.invalid('qty', 'over the per-order limit')) } });
      const outcome = await settle(t.coordinator([def]).run(def, payload), t.clock);
      expect(outcome.status).toBe('compensated');
      expect(await t.effects(outcome.gid)).toEqual(['order.action', 'order.compensate', 'stock.action', 'stock.compensate']);
    });

    it('transient failures are retried with back-off until the branch succeeds; the effect happens once', async () => {
      const t = await setup();
      const def = t.saga({ 'order.action': { before: failing(2) } });
      const outcome = await settle(t.coordinator([def]).run(def, payload), t.clock);
      expect(outcome.status).toBe('succeeded');
      expect(t.calls).toEqual(['stock.action', 'order.action', 'order.action', 'order.action']);
      expect(await t.effects(outcome.gid)).toEqual(['order.action', 'stock.action']);
      expect(await t.row(outcome.gid)).toMatchObject({ status: 'succeeded', attempts: 0, error_code: 0 });
    });

    it('waits out the back-off: no second call before baseMs/2 (random 0.5 → 75 ms), one right after', async () => {
      const t = await setup();
      const sleeps: number[] = [];
      const clock = t.clock;
      const sleep = clock.sleep.bind(clock);
      clock.sleep = (ms, signal) => (sleeps.push(ms), sleep(ms, signal));
      const def = t.saga({ 'stock.action': { before: failing(1) } });
      const running = t.coordinator([def]).run(def, payload);
      await until(() => sleeps.length === 1);
      expect(sleeps).toEqual([75]);
      clock.advance(74);
      await new Promise((r) => setTimeout(r, 20));
      expect(t.calls).toEqual(['stock.action']);
      clock.advance(1);
      await until(() => t.calls.length === 3);
      expect((await running).status).toBe('succeeded');
    });

    it('an answer lost after the participant committed (DeadlineExceeded): the retry finds the barrier row, the effect stays single', async () => {
      const t = await setup();
      const def = t.saga({ 'stock.action': { after: failing(1, () => errors.deadline()) } });
      const outcome = await settle(t.coordinator([def]).run(def, payload), t.clock);
      expect(outcome.status).toBe('succeeded');
      expect(t.calls.filter((c) => c === 'stock.action')).toHaveLength(2);
      expect(await t.effects(outcome.gid)).toEqual(['order.action', 'stock.action']);
    });

    it('retries stop at maxAttempts: stuck, logged and counted, listed, never retried by itself; retry(gid) drives it to the end', async () => {
      const t = await setup();
      const registry = new Registry();
      let healthy = false;
      const def = t.saga({ 'order.action': { before: () => { if (!healthy) throw errors.unavailable('order database'); } } });
      const c = t.coordinator([def], { registry });
      const outcome = await settle(c.run(def, payload), t.clock);
      expect(outcome.status).toBe('stuck');
      if (outcome.status !== 'stuck') return;
      expect(outcome.error.code).toBe(Code.Unavailable);
      expect(t.calls.filter((x) => x === 'order.action')).toHaveLength(4);
      const [listed, ...others] = (await c.stuck()).filter((s) => s.gid === outcome.gid);
      expect(others).toEqual([]);
      expect(listed).toMatchObject({ gid: outcome.gid, saga: 'order.create', phase: 'action', branch: 'order', attempts: 4, reason: undefined });
      expect(listed!.error).toMatchObject({ code: Code.Unavailable, message: 'order database is unavailable, try again shortly' });
      expect(await registry.metrics()).toMatch(/surge_saga_transactions_total\{saga="order.create",outcome="stuck"\} 1/);

      // Nobody takes it up by itself: not the resume loop, however long it waits.
      t.clock.advance(10 * LEASE);
      expect(await c.resumeExpired()).toEqual([]);
      expect(t.calls.filter((x) => x === 'order.action')).toHaveLength(4);

      healthy = true;
      const retried = await settle(c.retry(outcome.gid), t.clock);
      expect(retried).toEqual({ gid: outcome.gid, status: 'succeeded' });
      expect(await t.effects(outcome.gid)).toEqual(['order.action', 'stock.action']);
      expect((await c.stuck()).map((s) => s.gid)).not.toContain(outcome.gid);
      await expect(c.retry(outcome.gid)).rejects.toMatchObject({ code: Code.FailedPrecondition });
      await expect(c.retry('no-such-gid')).rejects.toMatchObject({ code: Code.NotFound });
    });

    it('an operator hands a stuck transaction back (createSagaAdmin): the resume loop takes it up and finishes it, once', async () => {
      const t = await setup();
      let healthy = false;
      const def = t.saga({ 'order.action': { before: () => { if (!healthy) throw errors.unavailable('order database'); } } });
      const c = t.coordinator([def]);
      const outcome = await settle(c.run(def, payload), t.clock);
      expect(outcome.status).toBe('stuck');
      const admin = createSagaAdmin(t.coordinatorDb, t.clock);
      const listed = (await admin.stuck()).find((s) => s.gid === outcome.gid);
      // Without the saga's definition the branch is named by its step.
      expect(listed).toMatchObject({ saga: 'order.create', phase: 'action', branch: '#1', attempts: 4 });
      expect(listed!.error.code).toBe(Code.Unavailable);

      healthy = true;
      expect(await admin.handBack(outcome.gid)).toEqual({ gid: outcome.gid, saga: 'order.create', phase: 'action', branch: '#1' });
      await expect(admin.handBack(outcome.gid)).rejects.toMatchObject({ code: Code.FailedPrecondition });
      await expect(c.retry(outcome.gid)).rejects.toMatchObject({ code: Code.FailedPrecondition });
      await expect(admin.handBack('no-such-gid')).rejects.toMatchObject({ code: Code.NotFound });
      await expect(admin.handBack('bad gid!')).rejects.toMatchObject({ code: Code.InvalidArgument });
      await expect(admin.stuck(0)).rejects.toMatchObject({ code: Code.InvalidArgument });

      t.clock.advance(1);
      const resumed = await settle(c.resumeExpired(), t.clock);
      expect(resumed).toEqual([{ gid: outcome.gid, status: 'succeeded' }]);
      expect(await t.effects(outcome.gid)).toEqual(['order.action', 'stock.action']);
      expect((await admin.stuck()).map((s) => s.gid)).not.toContain(outcome.gid);
    });

    it('compensations are retried through transient failures until they succeed, each effect once', async () => {
      const t = await setup();
      const def = t.saga({ 'order.action': { before: () => Promise.reject(outOfStock()) }, 'stock.compensate': { before: failing(2) } });
      const outcome = await settle(t.coordinator([def]).run(def, payload), t.clock);
      expect(outcome.status).toBe('compensated');
      expect(t.calls).toEqual(['stock.action', 'order.action', 'order.compensate', 'stock.compensate', 'stock.compensate', 'stock.compensate']);
      expect(await t.effects(outcome.gid)).toEqual(['stock.action', 'stock.compensate']);
    });

    it('a compensation failing past maxAttempts sticks in the compensate phase, and retry(gid) finishes the compensation', async () => {
      const t = await setup();
      let healthy = false;
      const def = t.saga({ 'order.action': { before: () => Promise.reject(outOfStock()) }, 'stock.compensate': { before: () => { if (!healthy) throw new Error('socket hang up'); } } });
      const c = t.coordinator([def]);
      const outcome = await settle(c.run(def, payload), t.clock);
      expect(outcome.status).toBe('stuck');
      const listed = (await c.stuck()).find((s) => s.gid === outcome.gid);
      expect(listed).toMatchObject({ phase: 'compensate', branch: 'stock', attempts: 4 });
      expect(listed!.error).toMatchObject({ code: Code.Internal, message: 'internal: socket hang up' });
      expect(listed!.reason).toMatchObject({ code: Code.FailedPrecondition });
      healthy = true;
      const retried = await settle(c.retry(outcome.gid), t.clock);
      expect(retried.status).toBe('compensated');
      expect(await t.effects(outcome.gid)).toEqual(['stock.action', 'stock.compensate']);
    });

    it('a slow branch keeps its lease: renewals hold it past several lease periods, so no other instance takes it', async () => {
      const t = await setup();
      let renewalTimers = 0;
      const after = t.clock.after.bind(t.clock);
      t.clock.after = (ms, fn) => (ms === LEASE / 3 && renewalTimers++, after(ms, fn));
      const held = gate();
      const defA = t.saga({ 'order.action': { before: held.hook } });
      const a = t.coordinator([defA]);
      const b = t.coordinator([t.saga()]);
      const run = a.run(defA, payload);
      await held.reached;
      const gid = (await t.coordinatorDb.db.selectFrom('surge_saga').select('gid').executeTakeFirstOrThrow()).gid;
      // One renewal every third of the lease: step to each once its timer is set, and wait for it to land.
      for (let i = 0; i < 9; i++) {
        await until(() => renewalTimers === i + 1);
        t.clock.advance(LEASE / 3);
        await until(async () => (await t.row(gid)).lease_until === t.clock.now() + LEASE);
      }
      expect(await b.resumeExpired()).toEqual([]);
      held.release();
      expect((await settle(run, t.clock)).status).toBe('succeeded');
    });

    it('resume after a crash: another instance resumes once the lease expired, from the stored step; no branch effect twice', async () => {
      const t = await setup();
      const held = gate();
      const defA = t.saga({ 'order.action': { before: held.hook } });
      const a = t.coordinator([defA]);
      const running = a.run(defA, payload);
      await held.reached;
      const crashed = a.close(); // renewals stop; the held call is still in flight, as in a hung process
      // The held call was counted before it was made (by the move past the stock branch).
      expect(await t.coordinatorDb.db.selectFrom('surge_saga').select(['step', 'attempts']).executeTakeFirstOrThrow()).toEqual({ step: 1, attempts: 1 });
      const b = t.coordinator([t.saga()]);
      t.clock.advance(LEASE - 1);
      expect(await b.resumeExpired()).toEqual([]); // not before the lease ran out
      t.clock.advance(2);
      const resumed = await settle(b.resumeExpired(), t.clock);
      expect(resumed.map((o) => o.status)).toEqual(['succeeded']);
      const gid = resumed[0]!.gid;
      // The stock action committed before the crash and was not called again.
      expect(t.calls).toEqual(['stock.action', 'order.action', 'order.action']);
      held.release();
      await crashed;
      expect(await running).toEqual({ gid, status: 'pending' });
      expect(await t.effects(gid)).toEqual(['order.action', 'stock.action']);
      expect(await t.row(gid)).toMatchObject({ status: 'succeeded', owner: '' });
    });

    it('resume after a crash that came after the participant committed: the resumed call is a no-op at the barrier', async () => {
      const t = await setup();
      const held = gate();
      const defA = t.saga({ 'order.action': { after: held.hook } });
      const a = t.coordinator([defA]);
      const running = a.run(defA, payload);
      await held.reached;
      const crashed = a.close();
      const b = t.coordinator([t.saga()]);
      t.clock.advance(LEASE + 1);
      const [outcome] = await settle(b.resumeExpired(), t.clock);
      expect(outcome!.status).toBe('succeeded');
      held.release();
      await crashed;
      expect((await running).status).toBe('pending');
      expect(await t.effects(outcome!.gid)).toEqual(['order.action', 'stock.action']);
    });

    it('three instances racing for ten expired leases: each transaction is driven by exactly one of them', async () => {
      const t = await setup();
      const held = gate();
      const defA = t.saga({ 'stock.action': { before: held.hook } });
      const a = t.coordinator([defA]);
      const runs = Array.from({ length: 10 }, () => a.run(defA, payload));
      await held.reached;
      await until(() => t.calls.length === 10);
      const crashed = a.close();
      const racers = [1, 2, 3].map(() => t.coordinator([t.saga()]));
      t.clock.advance(LEASE + 1);
      const results = await settle(Promise.all(racers.map((r) => r.resumeExpired())), t.clock);
      const gids = results.flat().map((o) => o.gid);
      expect(results.flat().every((o) => o.status === 'succeeded')).toBe(true);
      expect(new Set(gids).size).toBe(10);
      expect(gids).toHaveLength(10);
      held.release();
      await crashed;
      const fromA = await Promise.all(runs);
      expect(fromA.every((o) => o.status === 'pending')).toBe(true);
      for (const o of fromA) expect(await t.effects(o.gid)).toEqual(['order.action', 'stock.action']);
      // 10 held calls from the crashed instance + 10 stock and 10 order calls from the racers.
      expect(t.calls.filter((x) => x === 'order.action')).toHaveLength(10);
    });

    it('start(): the background loop resumes an expired transaction by itself', async () => {
      const t = await setup();
      const held = gate();
      const defA = t.saga({ 'stock.action': { before: held.hook } });
      const a = t.coordinator([defA]);
      const running = a.run(defA, payload);
      await held.reached;
      const crashed = a.close();
      const b = t.coordinator([t.saga()], { pollMs: 500 });
      b.start();
      const gid = (await t.coordinatorDb.db.selectFrom('surge_saga').select('gid').executeTakeFirstOrThrow()).gid;
      await until(async () => {
        t.clock.advance(250);
        await new Promise((r) => setTimeout(r, 5));
        return (await t.row(gid)).status === 'succeeded';
      });
      expect(await t.effects(gid)).toEqual(['order.action', 'stock.action']);
      held.release();
      await crashed;
      expect((await running).status).toBe('pending');
    });

    it('run() with a gid that exists starts nothing and answers its outcome; a gid of another saga is refused', async () => {
      const t = await setup();
      const def = t.saga();
      const c = t.coordinator([def]);
      const first = await settle(c.run(def, payload, { gid: 'order-7' }), t.clock);
      expect(first).toEqual({ gid: 'order-7', status: 'succeeded' });
      expect(await c.run(def, { ...payload, qty: 99 }, { gid: 'order-7' })).toEqual({ gid: 'order-7', status: 'succeeded' });
      expect(t.calls).toHaveLength(2);
      const other = defineSaga<Payload>('order.cancel', effectBranches<Payload>(t.participantDb, ['stock']));
      const c2 = t.coordinator([other]);
      await expect(c2.run(other, payload, { gid: 'order-7' })).rejects.toMatchObject({ code: Code.AlreadyExists });
    });

    it('twenty concurrent run() of one gid on two instances: one transaction, driven once', async () => {
      const t = await setup();
      const def = t.saga();
      const [a, b] = [t.coordinator([def]), t.coordinator([def])];
      const outcomes = await settle(Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).run(def, payload, { gid: 'order-9' }))), t.clock);
      // The one that wrote the row drove it; the others answered what the row said then.
      expect(outcomes.filter((o) => o.status === 'succeeded').length).toBeGreaterThanOrEqual(1);
      expect(outcomes.every((o) => o.status === 'succeeded' || o.status === 'pending')).toBe(true);
      expect(t.calls).toEqual(['stock.action', 'order.action']);
      expect(await t.effects('order-9')).toEqual(['order.action', 'stock.action']);
    });

    it('refuses bad input before writing anything: gid, payload size, a saga not given to it', async () => {
      const t = await setup();
      const def = t.saga();
      const c = t.coordinator([def], { maxPayloadBytes: 100 });
      await expect(c.run(def, payload, { gid: 'bad gid' })).rejects.toMatchObject({ code: Code.InvalidArgument, details: { field: 'gid' } });
      await expect(c.run(def, { ...payload, sku: 'x'.repeat(100) })).rejects.toMatchObject({ code: Code.InvalidArgument, details: { field: 'payload' } });
      await expect(c.run(def, undefined as never)).rejects.toMatchObject({ code: Code.InvalidArgument, details: { field: 'payload' } });
      await expect(c.run(t.saga(), payload)).rejects.toMatchObject({ code: Code.InvalidArgument, details: { field: 'saga' } });
      expect(await t.coordinatorDb.db.selectFrom('surge_saga').selectAll().execute()).toEqual([]);
      await c.close();
      await expect(c.run(def, payload)).rejects.toMatchObject({ code: Code.Unavailable });
    });

    it('cleanup deletes finished transactions past retention, their branch rows too, and keeps recent and stuck ones', async () => {
      const t = await setup();
      const def = t.saga({
        'order.action': {
          before: (call) => {
            if (call.gid.startsWith('stuck')) throw errors.unavailable('order database');
            if (call.gid.startsWith('refused')) throw outOfStock();
          },
        },
      });
      const c = t.coordinator([def], { retentionMs: 60_000, retry: { maxAttempts: 1 } });
      const old = await settle(c.run(def, payload, { gid: 'old-ok' }), t.clock);
      const refused = await settle(c.run(def, payload, { gid: 'refused-old' }), t.clock);
      const stuck = await settle(c.run(def, payload, { gid: 'stuck-1' }), t.clock);
      expect([old.status, refused.status, stuck.status]).toEqual(['succeeded', 'compensated', 'stuck']);
      t.clock.advance(60_001);
      const recent = await settle(c.run(def, payload, { gid: 'recent-ok' }), t.clock);
      expect(recent.status).toBe('succeeded');
      expect(await c.prune()).toBe(2);
      const left = (await t.coordinatorDb.db.selectFrom('surge_saga').select('gid').orderBy('gid').execute()).map((r) => r.gid);
      expect(left).toEqual(['recent-ok', 'stuck-1']);
      const branchGids = new Set((await t.coordinatorDb.db.selectFrom('surge_saga_branch').select('gid').execute()).map((r) => r.gid));
      expect([...branchGids].sort()).toEqual(['recent-ok', 'stuck-1']);
    });
  });
}

describe('saga definitions and options are checked at construction', () => {
  const noop = async () => undefined;
  it('defineSaga refuses a bad name, no branches, a duplicate or bad branch name, a missing function', () => {
    expect(refusalOf(() => defineSaga('Order Create', [{ name: 'a', action: noop, compensate: noop }])).details).toEqual({ field: 'name' });
    expect(refusalOf(() => defineSaga('order.create', [])).details).toEqual({ field: 'branches' });
    expect(refusalOf(() => defineSaga('order.create', [{ name: 'a', action: noop, compensate: noop }, { name: 'a', action: noop, compensate: noop }])).details).toEqual({ field: 'branches[1].name' });
    expect(refusalOf(() => defineSaga('order.create', [{ name: 'a b', action: noop, compensate: noop }])).details).toEqual({ field: 'branches[0].name' });
    expect(refusalOf(() => defineSaga('order.create', [{ name: 'a', action: noop } as never])).details).toEqual({ field: 'branches[0].compensate' });
  });

  it('createSagaCoordinator refuses a bad owner, lease, retry or a saga listed twice, naming the field', () => {
    const saga = defineSaga('order.create', [{ name: 'a', action: noop, compensate: noop }]);
    const base = { db: {} as never, sagas: [saga], owner: 'node-1', log };
    expect(refusalOf(() => createSagaCoordinator({ ...base, owner: '' })).details).toEqual({ field: 'owner' });
    expect(refusalOf(() => createSagaCoordinator({ ...base, leaseMs: 10 })).details).toEqual({ field: 'leaseMs' });
    expect(refusalOf(() => createSagaCoordinator({ ...base, retry: { baseMs: 500, maxMs: 100 } })).details).toEqual({ field: 'retry.maxMs' });
    expect(refusalOf(() => createSagaCoordinator({ ...base, retry: { maxAttempts: 0 } })).details).toEqual({ field: 'retry.maxAttempts' });
    expect(refusalOf(() => createSagaCoordinator({ ...base, maxPayloadBytes: 1_000_000 })).details).toEqual({ field: 'maxPayloadBytes' });
    expect(refusalOf(() => createSagaCoordinator({ ...base, sagas: [saga, saga] })).details).toEqual({ field: 'sagas' });
  });
});
