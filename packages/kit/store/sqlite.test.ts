// SQLite specifics the shared suite cannot see: the file layout, the pragmas, and a held write
// lock surfacing as Unavailable instead of a hang.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { Code, SurgeError } from '#kit/errors';
import { openServiceDatabase, type Migration, type ServiceDatabase } from './index.js';

interface Schema { items: { id: number; name: string } }
const migrations: Record<string, Migration> = {
  '0001_items': {
    up: (db) => db.schema.createTable('items').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('name', 'varchar(64)').execute(),
  },
};

describe('store on SQLite: file and pragmas', () => {
  const opened: ServiceDatabase<Schema>[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((d) => d.close()));
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });
  const open = async (dir: string, service = 'items', busyTimeoutMs?: number) => {
    const sdb = await openServiceDatabase<Schema>({
      config: { dialect: 'sqlite', dir, ...(busyTimeoutMs === undefined ? {} : { busyTimeoutMs }) }, service, migrations,
    });
    opened.push(sdb);
    return sdb;
  };

  it('creates <dir>/<service>.sqlite, making the folder, with WAL, synchronous NORMAL and foreign keys on', async () => {
    const root = await mkdtemp(join(tmpdir(), 'surge-sqlite-'));
    dirs.push(root);
    const dir = join(root, 'nested', 'data');
    const sdb = await open(dir);
    expect(existsSync(join(dir, 'items.sqlite'))).toBe(true);
    const pragma = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(sdb.db)).rows[0] as object)[0];
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(1); // NORMAL
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('busy_timeout')).toBe(5000); // restored after migrating with 0
  });

  it("keeps a database in memory with dir ':memory:'", async () => {
    const sdb = await open(':memory:');
    await sdb.db.insertInto('items').values({ id: 1, name: 'a' }).execute();
    expect(await sdb.db.selectFrom('items').selectAll().execute()).toEqual([{ id: 1, name: 'a' }]);
  });

  it('a write blocked by another connection past busy_timeout fails with Unavailable, not a hang', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'surge-sqlite-'));
    dirs.push(dir);
    const holder = await open(dir, 'locked', 0);
    const other = await open(dir, 'locked', 0);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const inside = new Promise<void>((r) => (started = r));
    const tx = holder.transaction(async (trx) => {
      await trx.insertInto('items').values({ id: 1, name: 'held' }).execute();
      started();
      await held;
    });
    await inside;
    const err = await other.db.insertInto('items').values({ id: 2, name: 'blocked' }).execute().catch((e: unknown) => e);
    release();
    await tx;
    expect(err).toBeInstanceOf(SurgeError);
    expect((err as SurgeError).code).toBe(Code.Unavailable);
    // Once the lock is gone the same connection writes fine.
    await other.db.insertInto('items').values({ id: 2, name: 'after' }).execute();
    expect((await other.db.selectFrom('items').select('id').orderBy('id').execute()).map((r) => r.id)).toEqual([1, 2]);
  });
});
