// One behaviour suite for the store, run against every dialect (store.test.ts): the same
// migrations and Kysely queries must behave the same on SQLite and MariaDB.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Generated, Kysely, Selectable } from 'kysely';
import { createCache, createMemoryCacheStore } from '#kit/cache';
import { Code, SurgeError } from '#kit/errors';
import {
  autoIdType, createRowCache, isUniqueViolation, openServiceDatabase,
  type DatabaseConfig, type Migration, type QueryEvent,
} from './index.js';

export interface SuiteTarget {
  config: DatabaseConfig;
  /** Drops what the run created. */
  cleanup(): Promise<void>;
}

interface UsersTable { id: Generated<number>; username: string; bio: Generated<string>; score: Generated<number> }
type UserRow = Selectable<UsersTable>;
interface Schema { users: UsersTable; counters: { name: string; value: number } }

const BIG = 2 ** 32 + 7;

/** Migrations for the suite; `runs` counts each up() so tests can prove "ran once". */
function userMigrations(runs: { count: number }): Record<string, Migration> {
  return {
    '0001_create_users': {
      async up(db: Kysely<any>) {
        runs.count++;
        await db.schema.createTable('users')
          .addColumn('id', autoIdType(db), (c) => c.primaryKey().autoIncrement())
          .addColumn('username', 'varchar(64)', (c) => c.notNull().unique())
          .addColumn('bio', 'varchar(255)', (c) => c.notNull().defaultTo(''))
          .execute();
      },
    },
    '0002_add_score': {
      async up(db: Kysely<any>) {
        await db.schema.alterTable('users').addColumn('score', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
        await db.schema.createTable('counters')
          .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
          .addColumn('value', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
  };
}

export function storeSuite(name: string, makeTarget: () => Promise<SuiteTarget>): void {
  describe(`store on ${name}`, () => {
    let target: SuiteTarget;
    let seq = 0;
    const toClose: { close(): Promise<void> }[] = [];
    const queries: QueryEvent[] = [];

    beforeAll(async () => {
      target = await makeTarget();
    });
    afterAll(async () => {
      await Promise.all(toClose.map((d) => d.close()));
      await target?.cleanup();
    });

    const open = async (service: string, runs = { count: 0 }) => {
      const sdb = await openServiceDatabase<Schema>({
        config: target.config, service, migrations: userMigrations(runs), onQuery: (e) => queries.push(e),
      });
      toClose.push(sdb);
      return sdb;
    };
    const fresh = (runs?: { count: number }) => open(`svc${++seq}`, runs);
    /** Number of statements run by fn. */
    const countQueries = async (fn: () => Promise<unknown>) => {
      const before = queries.length;
      await fn();
      return queries.length - before;
    };

    it('runs migrations once, and reopening runs nothing again', async () => {
      const runs = { count: 0 };
      const first = await open('reopen', runs);
      await first.db.insertInto('users').values({ username: 'kept' }).execute();
      await first.close();
      const again = await open('reopen', runs);
      expect(runs.count).toBe(1);
      const rows = await again.db.selectFrom('users').select('username').execute();
      expect(rows.map((r) => r.username)).toEqual(['kept']);
    });

    it('a migration added later runs even when its name sorts before ones already run (a kit table gaining a column)', async () => {
      const runs = { count: 0 };
      const first = await open('merged', runs);
      await first.close();
      // A service's set merges its own with the kit's (kit_saga_…, kit_saga_barrier_…): a newer
      // kit migration can sort between two the database has already run.
      let added = 0;
      const later = { ...userMigrations(runs), '0001_b_added_later': { async up() { added++; } } };
      const again = await openServiceDatabase<Schema>({ config: target.config, service: 'merged', migrations: later });
      toClose.push(again);
      expect(added).toBe(1);
      expect(runs.count).toBe(1);
    });

    it('two concurrent opens of one database migrate once', async () => {
      const runs = { count: 0 };
      const [a, b] = await Promise.all([open('twin', runs), open('twin', runs)]);
      expect(runs.count).toBe(1);
      await a.db.insertInto('users').values({ username: 'from-a' }).execute();
      const seen = await b.db.selectFrom('users').select('username').execute();
      expect(seen.map((r) => r.username)).toEqual(['from-a']);
    });

    it('round-trips a row with an id above 2^32 as a JS number', async () => {
      const sdb = await fresh();
      await sdb.db.insertInto('users').values({ id: BIG, username: 'big', bio: 'x', score: BIG }).execute();
      const row = await sdb.db.selectFrom('users').selectAll().where('id', '=', BIG).executeTakeFirstOrThrow();
      expect(row).toEqual({ id: BIG, username: 'big', bio: 'x', score: BIG });
      expect(typeof row.id).toBe('number');
      // Auto-increment continues past the big id on both dialects.
      const next = await sdb.insertReturningId('users', { username: 'next' });
      expect(next).toBe(BIG + 1);
      await sdb.db.updateTable('users').set({ bio: 'y' }).where('id', '=', next).execute();
      expect((await sdb.db.selectFrom('users').select('bio').where('id', '=', next).executeTakeFirst())?.bio).toBe('y');
      await sdb.db.deleteFrom('users').where('id', '=', BIG).execute();
      const { n } = await sdb.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(n).toBe(1);
    });

    it('detects a unique violation without leaking SQL into the message', async () => {
      const sdb = await fresh();
      await sdb.db.insertInto('users').values({ username: 'taken' }).execute();
      const err = await sdb.db.insertInto('users').values({ username: 'taken' }).execute().catch((e: unknown) => e);
      expect(isUniqueViolation(err)).toBe(true);
      expect(err).toBeInstanceOf(SurgeError);
      expect((err as SurgeError).code).toBe(Code.AlreadyExists);
      expect((err as SurgeError).message).not.toMatch(/insert|users|duplicate|unique constraint/i);
      // Other failures are Internal with the driver error as cause, and say nothing of the SQL.
      const other = await sdb.db.selectFrom('no_such_table' as 'users').selectAll().execute().catch((e: unknown) => e);
      expect(isUniqueViolation(other)).toBe(false);
      expect((other as SurgeError).code).toBe(Code.Internal);
      expect((other as SurgeError).message).toBe('internal error');
      expect((other as SurgeError).cause).toBeInstanceOf(Error);
    });

    it('rolls a failed transaction back completely and passes its error through', async () => {
      const sdb = await fresh();
      const boom = new SurgeError(Code.FailedPrecondition, 'stop here');
      const err = await sdb.transaction(async (trx) => {
        await trx.insertInto('users').values({ username: 'a' }).execute();
        await sdb.insertReturningId('users', { username: 'b' }, { executor: trx });
        throw boom;
      }).catch((e: unknown) => e);
      expect(err).toBe(boom);
      expect(await sdb.db.selectFrom('users').selectAll().execute()).toEqual([]);
      const id = await sdb.transaction((trx) => sdb.insertReturningId('users', { username: 'c' }, { executor: trx }));
      expect((await sdb.db.selectFrom('users').select('id').execute()).map((r) => r.id)).toEqual([id]);
    });

    it('pings while open, and reports Unavailable(database) once closed', async () => {
      const sdb = await fresh();
      await expect(sdb.ping()).resolves.toBeUndefined();
      await sdb.close();
      const err = await sdb.ping().catch((e: unknown) => e);
      expect((err as SurgeError).code).toBe(Code.Unavailable);
      expect((err as SurgeError).details).toEqual({ dependency: 'database' });
    });

    it('round-trips Chinese text and emoji', async () => {
      const sdb = await fresh();
      const bio = '你好，世界 🚀🎬 naïve ünïcödé 👩‍👩‍👧';
      const id = await sdb.insertReturningId('users', { username: '用户😀', bio });
      const row = await sdb.db.selectFrom('users').selectAll().where('username', '=', '用户😀').executeTakeFirstOrThrow();
      expect(row).toMatchObject({ id, bio });
    });

    it('insertIgnore and upsert behave alike on both dialects', async () => {
      const sdb = await fresh();
      expect(await sdb.insertIgnore('counters', { name: 'views', value: 1 })).toBe(true);
      expect(await sdb.insertIgnore('counters', { name: 'views', value: 99 })).toBe(false);
      // Many rows in one statement: the taken one is left out, the others go in.
      expect(await sdb.insertIgnore('counters', [{ name: 'views', value: 98 }, { name: 'shares', value: 3 }, { name: 'saves', value: 4 }])).toBe(true);
      expect(await sdb.insertIgnore('counters', [{ name: 'shares', value: 97 }, { name: 'saves', value: 96 }])).toBe(false);
      expect(await sdb.insertIgnore('counters', [])).toBe(false);
      expect(await sdb.db.selectFrom('counters').selectAll().where('name', 'in', ['views', 'shares', 'saves']).orderBy('name').execute()).toEqual([
        { name: 'saves', value: 4 },
        { name: 'shares', value: 3 },
        { name: 'views', value: 1 },
      ]);
      await sdb.db.deleteFrom('counters').where('name', 'in', ['shares', 'saves']).execute();
      await sdb.upsert('counters', { name: 'views', value: 5 }, { conflict: ['name'] });
      await sdb.upsert('counters', { name: 'likes', value: 2 }, { conflict: ['name'] });
      const rows = await sdb.db.selectFrom('counters').selectAll().orderBy('name').execute();
      expect(rows).toEqual([{ name: 'likes', value: 2 }, { name: 'views', value: 5 }]);
    });

    it('insertRows writes a batch, skips taken keys with ignore, and rolls back with its transaction', async () => {
      const sdb = await fresh();
      expect(await sdb.insertRows('counters', [])).toBe(0);
      expect(await sdb.insertRows('counters', [{ name: 'a', value: 1 }, { name: 'b', value: 2 }])).toBe(2);
      expect(await sdb.insertRows('counters', [{ name: 'b', value: 9 }, { name: 'c', value: 3 }], { ignore: true })).toBe(1);
      await expect(sdb.insertRows('counters', [{ name: 'd', value: 4 }, { name: 'a', value: 9 }])).rejects.toThrow();
      await expect(
        sdb.transaction(async (trx) => {
          await sdb.insertRows('counters', [{ name: 'e', value: 5 }], { executor: trx });
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      const rows = await sdb.db.selectFrom('counters').selectAll().where('name', 'in', ['a', 'b', 'c', 'd', 'e']).orderBy('name').execute();
      expect(rows).toEqual([{ name: 'a', value: 1 }, { name: 'b', value: 2 }, { name: 'c', value: 3 }]);
    });

    it('increment hands out 1, 2, 3 … to concurrent transactions, from 0 too, and undefined for no row', async () => {
      const sdb = await fresh();
      await sdb.db.insertInto('counters').values([{ name: 'seq', value: 0 }, { name: 'other', value: 40 }]).execute();
      const taken = await Promise.all(
        Array.from({ length: 12 }, () => sdb.transaction((trx) => sdb.increment('counters', 'value', (eb) => eb('name', '=', 'seq'), { executor: trx }))),
      );
      expect([...taken].sort((a, b) => a! - b!)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(await sdb.increment('counters', 'value', (eb) => eb('name', '=', 'other'))).toBe(41);
      expect(await sdb.increment('counters', 'value', (eb) => eb('name', '=', 'missing'))).toBeUndefined();
      // A matched row whose new value is 0 (not taken for "no row").
      await sdb.db.updateTable('counters').set({ value: -1 }).where('name', '=', 'other').execute();
      expect(await sdb.increment('counters', 'value', (eb) => eb('name', '=', 'other'))).toBe(0);
      const rows = await sdb.db.selectFrom('counters').selectAll().orderBy('name').execute();
      expect(rows).toEqual([{ name: 'other', value: 0 }, { name: 'seq', value: 12 }]);
    });

    it('reports every statement to onQuery with its SQL and duration', async () => {
      const sdb = await fresh();
      const events: QueryEvent[] = [];
      const before = queries.length;
      await sdb.db.selectFrom('users').selectAll().execute();
      await sdb.db.selectFrom('missing' as 'users').selectAll().execute().catch(() => undefined);
      events.push(...queries.slice(before));
      expect(events).toHaveLength(2);
      expect(events[0]!.sql).toMatch(/select/i);
      expect(events[0]!.durationMs).toBeGreaterThanOrEqual(0);
      expect((events[1]!.error as SurgeError).code).toBe(Code.Internal);
    });

    describe('row cache', () => {
      const setup = async () => {
        const sdb = await fresh();
        const ids: number[] = [];
        for (let i = 0; i < 50; i++) ids.push(await sdb.insertReturningId('users', { id: BIG + i * 3, username: `u${i}` }));
        const loads: number[][] = [];
        // Both tiers: the in-process LRU in front of a (memory) store, as in distributed mode.
        const cache = createCache({ store: createMemoryCacheStore() });
        toClose.push(cache);
        const rows = createRowCache<UserRow>({ cache, prefix: 'user', unique: ['username'] });
        const loadOne = (id: number) => () => sdb.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
        const loadMany = (want: number[]) => {
          loads.push(want);
          return sdb.db.selectFrom('users').selectAll().where('id', 'in', want).execute();
        };
        return { sdb, ids, rows, loadOne, loadMany, loads };
      };

      it('byId twice costs one query, and invalidate makes the next read query again', async () => {
        const { sdb, ids, rows, loadOne } = await setup();
        const id = ids[7]!;
        const n = await countQueries(async () => {
          expect((await rows.byId(id, loadOne(id)))?.username).toBe('u7');
          expect((await rows.byId(id, loadOne(id)))?.username).toBe('u7');
        });
        expect(n).toBe(1);
        await sdb.db.updateTable('users').set({ bio: 'changed' }).where('id', '=', id).execute();
        await rows.invalidate({ id });
        expect(await countQueries(async () => expect((await rows.byId(id, loadOne(id)))?.bio).toBe('changed'))).toBe(1);
      });

      it('byIds of 50 with 10 cached runs exactly one query for the other 40, in order', async () => {
        const { ids, rows, loadOne, loadMany, loads } = await setup();
        for (const id of ids.slice(0, 10)) await rows.byId(id, loadOne(id));
        const wanted = [...ids].reverse();
        let got: UserRow[] = [];
        const n = await countQueries(async () => {
          got = await rows.byIds([...wanted, 999_999], loadMany);
        });
        expect(n).toBe(1);
        expect(loads).toHaveLength(1);
        expect(loads[0]!.length).toBe(41); // the 40 uncached + the id that does not exist
        expect(got.map((r) => r.id)).toEqual(wanted);
        // Everything is cached now, the missing id included: no query at all.
        expect(await countQueries(() => rows.byIds(wanted, loadMany))).toBe(0);
        expect(await countQueries(() => rows.byIds([999_999], loadMany))).toBe(0);
      });

      it('byUnique caches the id pointer; invalidating the old row drops both keys', async () => {
        const { sdb, ids, rows, loadOne } = await setup();
        const byName = (name: string) => rows.byUnique(
          'username', name,
          async () => (await sdb.db.selectFrom('users').select('id').where('username', '=', name).executeTakeFirst())?.id,
          (id) => loadOne(id)(),
        );
        expect(await countQueries(async () => expect((await byName('u3'))?.id).toBe(ids[3]))).toBe(2);
        expect(await countQueries(async () => expect((await byName('u3'))?.id).toBe(ids[3]))).toBe(0);
        // The row is shared with byId: one key per row.
        expect(await countQueries(() => rows.byId(ids[3]!, loadOne(ids[3]!)))).toBe(0);
        const before = (await byName('u3'))!;
        await sdb.db.updateTable('users').set({ username: 'renamed' }).where('id', '=', before.id).execute();
        await rows.invalidate(before);
        expect(await byName('u3')).toBeUndefined();
        expect((await byName('renamed'))?.id).toBe(before.id);
      });
    });
  });
}
