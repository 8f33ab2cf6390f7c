// The branch barrier on SQLite and MariaDB: each guarantee is proved by counting the effect rows
// a participant wrote, including many duplicate calls at once and actions racing compensations.
import { afterAll, describe, expect, it } from 'vitest';
import type { Transaction } from 'kysely';
import { ManualClock } from '#kit/clock';
import { Code } from '#kit/errors';
import type { Migration } from '#kit/store';
import { refusalOf, testDatabases } from '#kit/testing';
import { barrierMigrations, checkBranchRef, pruneBarrier, withBarrier, type BarrierOp, type BarrierTables, type BranchRef } from './index.js';

interface DB extends BarrierTables {
  effects: { gid: string; branch: string; op: string };
}
const migrations: Record<string, Migration> = {
  ...barrierMigrations,
  '0001_effects': {
    up: (db) => db.schema.createTable('effects').addColumn('gid', 'varchar(64)').addColumn('branch', 'varchar(64)').addColumn('op', 'varchar(16)').execute(),
  },
};

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`saga barrier on ${kind.name}`, () => {
    afterAll(() => kind.cleanup());
    const open = () => kind.open<DB>('barrier', migrations);
    let n = 0;
    const ref = (): BranchRef => ({ gid: `g-${Date.now().toString(36)}-${n++}`, branch: 'stock' });

    type Sdb = Awaited<ReturnType<typeof open>>;
    // The participant's effect: one row per operation that really ran.
    const effect = (ref: BranchRef, op: BarrierOp) => async (trx: Transaction<DB>) => {
      await trx.insertInto('effects').values({ gid: ref.gid, branch: ref.branch, op }).execute();
      return op;
    };
    const effects = async (sdb: Sdb, r: BranchRef) =>
      (await sdb.db.selectFrom('effects').select('op').where('gid', '=', r.gid).where('branch', '=', r.branch).execute()).map((row) => row.op).sort();

    it('runs an action once, returns its value, and skips the repeat', async () => {
      const sdb = await open();
      const r = ref();
      expect(await withBarrier(sdb, r, 'action', effect(r, 'action'))).toEqual({ ran: true, value: 'action' });
      expect(await withBarrier(sdb, r, 'action', effect(r, 'action'))).toEqual({ ran: false });
      expect(await effects(sdb, r)).toEqual(['action']);
    });

    it('compensates an action that ran, once', async () => {
      const sdb = await open();
      const r = ref();
      await withBarrier(sdb, r, 'action', effect(r, 'action'));
      expect(await withBarrier(sdb, r, 'compensate', effect(r, 'compensate'))).toEqual({ ran: true, value: 'compensate' });
      expect(await withBarrier(sdb, r, 'compensate', effect(r, 'compensate'))).toEqual({ ran: false });
      expect(await effects(sdb, r)).toEqual(['action', 'compensate']);
    });

    it('null compensation: a compensation whose action never ran does nothing, and the late action then does nothing (no hanging)', async () => {
      const sdb = await open();
      const r = ref();
      expect(await withBarrier(sdb, r, 'compensate', effect(r, 'compensate'))).toEqual({ ran: false });
      expect(await withBarrier(sdb, r, 'action', effect(r, 'action'))).toEqual({ ran: false });
      expect(await withBarrier(sdb, r, 'compensate', effect(r, 'compensate'))).toEqual({ ran: false });
      expect(await effects(sdb, r)).toEqual([]);
    });

    it('keeps branches and transactions apart: the same branch of another gid, another branch of the same gid', async () => {
      const sdb = await open();
      const r = ref();
      const other = { gid: r.gid, branch: 'order' };
      const elsewhere = { gid: `${r.gid}x`, branch: r.branch };
      for (const x of [r, other, elsewhere]) expect((await withBarrier(sdb, x, 'action', effect(x, 'action'))).ran).toBe(true);
    });

    it('rolls the barrier row back with a failed action, so the retry runs it', async () => {
      const sdb = await open();
      const r = ref();
      const failing = async (trx: Transaction<DB>) => {
        await effect(r, 'action')(trx);
        throw new Error('stock service: disk full');
      };
      await expect(withBarrier(sdb, r, 'action', failing)).rejects.toThrow('disk full');
      expect(await effects(sdb, r)).toEqual([]);
      expect(await withBarrier(sdb, r, 'action', effect(r, 'action'))).toEqual({ ran: true, value: 'action' });
      expect(await effects(sdb, r)).toEqual(['action']);
    });

    it('a failed compensation leaves no rows either: the next one runs (and is not taken for a null compensation)', async () => {
      const sdb = await open();
      const r = ref();
      await withBarrier(sdb, r, 'action', effect(r, 'action'));
      await expect(withBarrier(sdb, r, 'compensate', async () => Promise.reject(new Error('lock wait')))).rejects.toThrow('lock wait');
      expect(await withBarrier(sdb, r, 'compensate', effect(r, 'compensate'))).toEqual({ ran: true, value: 'compensate' });
    });

    it('30 concurrent duplicate actions: exactly one runs; then 30 concurrent compensations: exactly one runs', async () => {
      const sdb = await open();
      const r = ref();
      const actions = await Promise.all(Array.from({ length: 30 }, () => withBarrier(sdb, r, 'action', effect(r, 'action'))));
      expect(actions.filter((x) => x.ran)).toHaveLength(1);
      const compensations = await Promise.all(Array.from({ length: 30 }, () => withBarrier(sdb, r, 'compensate', effect(r, 'compensate'))));
      expect(compensations.filter((x) => x.ran)).toHaveLength(1);
      expect(await effects(sdb, r)).toEqual(['action', 'compensate']);
    });

    it('actions racing compensations: either both ran once or neither ran, never an action left uncompensated', async () => {
      const sdb = await open();
      const outcomes = new Set<string>();
      for (let round = 0; round < 12; round++) {
        const r = ref();
        const calls = Array.from({ length: 8 }, (_, i) => {
          const op: BarrierOp = (i + round) % 2 === 0 ? 'action' : 'compensate';
          return withBarrier(sdb, r, op, effect(r, op));
        });
        await Promise.all(calls);
        const done = await effects(sdb, r);
        expect([[], ['action', 'compensate']]).toContainEqual(done);
        outcomes.add(done.join('+') || 'none');
      }
      // SQLite runs write transactions in the order they were asked for, so both orders occur.
      if (kind.name === 'SQLite') expect([...outcomes].sort()).toEqual(['action+compensate', 'none']);
    });

    it('prunes only rows older than the retention', async () => {
      const sdb = await open();
      const clock = new ManualClock(5_000_000);
      const old = ref();
      await withBarrier(sdb, old, 'action', effect(old, 'action'), { clock });
      clock.advance(10_000);
      const recent = ref();
      await withBarrier(sdb, recent, 'action', effect(recent, 'action'), { clock });
      expect(await pruneBarrier(sdb, 5_000, clock.now())).toBe(1);
      const left = (await sdb.db.selectFrom('surge_saga_barrier').select('gid').where('gid', 'in', [old.gid, recent.gid]).execute()).map((row) => row.gid);
      expect(left).toEqual([recent.gid]);
    });
  });
}

describe('checkBranchRef', () => {
  it('accepts the allowed characters up to 64 and returns only gid and branch', () => {
    const gid = 'a'.repeat(64);
    expect(checkBranchRef({ gid, branch: 'order.create:01_x-y', extra: 1 } as never)).toEqual({ gid, branch: 'order.create:01_x-y' });
  });

  it.each([
    [{ gid: '', branch: 'b' }, 'gid'],
    [{ gid: 'a'.repeat(65), branch: 'b' }, 'gid'],
    [{ gid: 'a b', branch: 'b' }, 'gid'],
    [{ gid: 'g', branch: '' }, 'branch'],
    [{ gid: 'g', branch: 'ä' }, 'branch'],
    [{ gid: 'g', branch: 7 }, 'branch'],
  ])('refuses %j naming %s', (bad, field) => {
    const err = refusalOf(() => checkBranchRef(bad as never));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.details).toEqual({ field });
  });

  it('withBarrier refuses a bad reference or op before touching the database', async () => {
    const sdb = { transaction: () => Promise.reject(new Error('must not be reached')) } as never;
    await expect(withBarrier(sdb, { gid: 'g', branch: '' }, 'action', async () => 1)).rejects.toMatchObject({ code: Code.InvalidArgument, details: { field: 'branch' } });
    await expect(withBarrier(sdb, { gid: 'g', branch: 'b' }, 'cancel' as never, async () => 1)).rejects.toMatchObject({ code: Code.InvalidArgument, details: { field: 'op' } });
  });
});
