// Service tests run the same cases on SQLite and, when it is reachable (required in CI), on
// MariaDB. Each open() makes a fresh database (a temp folder, or a database with a prefix unique
// to this run) and cleanup() removes everything the kind made.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { openServiceDatabase, type Migration, type ServiceDatabase } from '#kit/store';
import { requireServer, servers } from './servers.js';

export interface TestDatabaseKind {
  readonly name: 'SQLite' | 'MariaDB';
  /** false when the server is missing outside CI: use with describe.skipIf(!kind.available). */
  readonly available: boolean;
  open<DB>(service: string, migrations: Record<string, Migration>): Promise<ServiceDatabase<DB>>;
  /** Closes every database this kind opened and removes their files or databases. */
  cleanup(): Promise<void>;
}

/** Drops the MariaDB databases a run created: exactly those named `<prefix>_…`. */
export async function dropDatabases(prefix: string): Promise<void> {
  const conn = await createConnection({ host: servers.mariadb.host, port: servers.mariadb.port, user: 'root', password: '' });
  try {
    const [rows] = await conn.query('SELECT schema_name AS name FROM information_schema.schemata WHERE schema_name LIKE ?', [`${prefix}\\_%`]);
    for (const { name } of rows as { name: string }[]) await conn.query(`DROP DATABASE \`${name}\``);
  } finally {
    await conn.end();
  }
}

const token = () => Math.random().toString(36).slice(2, 10);

function sqliteKind(): TestDatabaseKind {
  const opened: ServiceDatabase<unknown>[] = [];
  const dirs: string[] = [];
  return {
    name: 'SQLite',
    available: true,
    async open<DB>(service: string, migrations: Record<string, Migration>) {
      const dir = await mkdtemp(join(tmpdir(), `surge-${service}-`));
      dirs.push(dir);
      const sdb = await openServiceDatabase<DB>({ config: { dialect: 'sqlite', dir }, service, migrations });
      opened.push(sdb as ServiceDatabase<unknown>);
      return sdb;
    },
    async cleanup() {
      await Promise.all(opened.splice(0).map((d) => d.close()));
      await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

function mariadbKind(available: boolean): TestDatabaseKind {
  const opened: ServiceDatabase<unknown>[] = [];
  const prefixes: string[] = [];
  return {
    name: 'MariaDB',
    available,
    async open<DB>(service: string, migrations: Record<string, Migration>) {
      const databasePrefix = `surgetest_${token()}`;
      prefixes.push(databasePrefix);
      const sdb = await openServiceDatabase<DB>({
        config: { dialect: 'mysql', host: servers.mariadb.host, port: servers.mariadb.port, user: 'root', password: '', databasePrefix },
        service,
        migrations,
      });
      opened.push(sdb as ServiceDatabase<unknown>);
      return sdb;
    },
    async cleanup() {
      await Promise.all(opened.splice(0).map((d) => d.close()));
      for (const p of prefixes.splice(0)) await dropDatabases(p);
    },
  };
}

/** SQLite, and MariaDB (skipped with a message outside CI when it is not running). */
export async function testDatabases(): Promise<TestDatabaseKind[]> {
  return [sqliteKind(), mariadbKind(await requireServer(servers.mariadb))];
}
