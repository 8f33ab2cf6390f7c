// The WAL is checkpointed by the worker thread, not inside a commit, and a file the worker cannot
// take goes back to SQLite's automatic checkpoint.
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openServiceDatabase, type Migration } from './index.js';
import { checkpointInBackground } from './sqlite-checkpoints.js';

interface Schema { notes: { id: number; body: string } }
const migrations: Record<string, Migration> = {
  '0001_notes': { up: (db) => db.schema.createTable('notes').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('body', 'text').execute() },
};

async function until(what: string, done: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!done()) throw new Error(`never: ${what}`);
}

describe('SQLite checkpoints on a worker thread', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('the connection never checkpoints in a commit, and the worker moves the WAL into the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'surge-ckpt-'));
    dirs.push(dir);
    const sdb = await openServiceDatabase<Schema>({ config: { dialect: 'sqlite', dir }, service: 'notes', migrations });
    try {
      const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(sdb.db);
      expect(rows[0]?.wal_autocheckpoint).toBe(0);
      const file = join(dir, 'notes.sqlite');
      const before = statSync(file).size;
      // About 2 MB in 200 commits: past what SQLite's automatic checkpoint would leave in the WAL.
      const body = 'x'.repeat(10_000);
      for (let id = 1; id <= 200; id++) await sdb.db.insertInto('notes').values({ id, body }).execute();
      // Only a checkpoint writes pages into the database file; this connection runs none.
      await until('the database file holds the rows', () => statSync(file).size >= before + 1_500_000);
      expect((await sdb.db.selectFrom('notes').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n).toBe(200);
    } finally {
      await sdb.close();
    }
    // Closed means let go by the worker too: the last connection's close removed the WAL.
    expect(existsSync(join(dir, 'notes.sqlite-wal'))).toBe(false);
    expect(existsSync(join(dir, 'notes.sqlite-shm'))).toBe(false);
  });

  it('a file the worker cannot open goes back to the automatic checkpoint', async () => {
    const pages: number[] = [];
    const handle = checkpointInBackground({ file: join(tmpdir(), 'surge-ckpt-missing', 'none.sqlite'), autocheckpoint: (n) => void pages.push(n) });
    await until('the fallback', () => pages.length === 2);
    expect(pages).toEqual([0, 1000]);
    handle.stop();
  });
});
