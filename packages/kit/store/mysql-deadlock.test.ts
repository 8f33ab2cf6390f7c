// Real deadlocks on MariaDB, made on purpose: two writers taking the same two rows in opposite
// orders. InnoDB rolls one back whole; the store runs it again, so both commit exactly once.
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dropDatabases, requireServer, servers } from '#kit/testing';
import { openServiceDatabase, type Migration, type ServiceDatabase } from './index.js';

interface Schema {
  counters: { id: number; value: number };
  ballast: { id: number };
}
const migrations: Record<string, Migration> = {
  '0001_counters': {
    up: async (db) => {
      await db.schema.createTable('counters').addColumn('id', 'bigint', (c) => c.primaryKey()).addColumn('value', 'bigint', (c) => c.notNull()).execute();
      await db.schema.createTable('ballast').addColumn('id', 'bigint', (c) => c.primaryKey()).execute();
    },
  },
};

/** Resolves once `parties` callers are waiting in it; later callers pass at once. */
function meetingPoint(parties: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return () => {
    if (++arrived === parties) open();
    return opened;
  };
}

const hasMariadb = await requireServer(servers.mariadb);
describe.skipIf(!hasMariadb)('store on MariaDB: deadlocks', () => {
  const prefix = `surgetest_${Math.random().toString(36).slice(2, 10)}`;
  let sdb: ServiceDatabase<Schema>;

  beforeAll(async () => {
    sdb = await openServiceDatabase<Schema>({
      config: { dialect: 'mysql', host: servers.mariadb.host, port: servers.mariadb.port, user: 'root', password: '', databasePrefix: prefix, poolSize: 4 },
      service: 'deadlock',
      migrations,
    });
  });
  afterAll(async () => {
    await sdb?.close();
    await dropDatabases(prefix);
  });
  beforeEach(async () => {
    await sdb.db.deleteFrom('counters').execute();
    await sdb.db.deleteFrom('ballast').execute();
    await sdb.db.insertInto('counters').values([{ id: 1, value: 0 }, { id: 2, value: 0 }]).execute();
  });

  const bump = (executor: ServiceDatabase<Schema>['db'], id: number) =>
    executor.updateTable('counters').set({ value: sql`value + 1` }).where('id', '=', id).execute();
  const values = async () => (await sdb.db.selectFrom('counters').select(['id', 'value']).orderBy('id').execute()).map((r) => Number(r.value));

  it('two transactions locking two rows in opposite orders both commit once: the victim runs again', async () => {
    const bothHoldOne = meetingPoint(2);
    let runs = 0;
    const crosswise = (first: number, second: number) =>
      sdb.transaction(async (trx) => {
        runs++;
        await bump(trx, first);
        await bothHoldOne();
        await bump(trx, second);
      });
    await Promise.all([crosswise(1, 2), crosswise(2, 1)]);
    expect(runs).toBe(3);
    expect(await values()).toEqual([2, 2]);
  });

  it('a statement outside a transaction picked as the victim runs again by itself', async () => {
    let runs = 0;
    let statement: Promise<unknown> | undefined;
    await sdb.transaction(async (trx) => {
      runs++;
      // Ten inserted rows make this transaction the larger one: InnoDB rolls the statement back instead.
      await trx.insertInto('ballast').values(Array.from({ length: 10 }, (_, i) => ({ id: runs * 100 + i }))).execute();
      await bump(trx, 2);
      if (statement === undefined) {
        // Locks row 1, then waits for row 2, which this transaction holds.
        statement = sdb.db.updateTable('counters').set({ value: sql`value + 1` }).where('id', 'in', [1, 2]).execute();
        await waitForLockWait();
      }
      await bump(trx, 1);
    });
    await statement;
    expect(runs).toBe(1);
    expect(await values()).toEqual([2, 2]);
  });

  async function waitForLockWait(): Promise<void> {
    for (;;) {
      const { rows } = await sql<{ n: number }>`select count(*) as n from information_schema.innodb_trx where trx_state = 'LOCK WAIT'`.execute(sdb.db);
      if (Number(rows[0]?.n) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
});
