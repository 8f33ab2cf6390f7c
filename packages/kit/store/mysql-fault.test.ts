// MariaDB going away and coming back, through a TCP proxy this test controls (the shared server
// is never touched): queries must fail fast with Unavailable, then recover on the same object.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code, SurgeError } from '#kit/errors';
import { requireServer, servers, startTcpProxy, type TcpProxy } from '#kit/testing';
import { openServiceDatabase, type Migration, type ServiceDatabase } from './index.js';
import { dropDatabases } from '#kit/testing';

interface Schema { notes: { id: number; body: string } }
const migrations: Record<string, Migration> = {
  '0001_notes': {
    up: (db) => db.schema.createTable('notes').addColumn('id', 'bigint', (c) => c.primaryKey()).addColumn('body', 'varchar(64)').execute(),
  },
};

// poolSize 3: more concurrent queries than connections, so waiters queued in the pool are tested too.
const mysqlConfig = (port: number, databasePrefix: string, connectTimeoutMs?: number) => ({
  dialect: 'mysql' as const, host: '127.0.0.1', port, user: 'root', password: '', databasePrefix, poolSize: 3,
  ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
});

async function elapsed<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T | undefined; error: unknown }> {
  const start = performance.now();
  try {
    const result = await fn();
    return { ms: performance.now() - start, result, error: undefined };
  } catch (error) {
    return { ms: performance.now() - start, result: undefined, error };
  }
}

const hasMariadb = await requireServer(servers.mariadb);
describe.skipIf(!hasMariadb)('store on MariaDB: outage', () => {
  const prefix = `surgetest_${Math.random().toString(36).slice(2, 10)}`;
  let proxy: TcpProxy;
  let sdb: ServiceDatabase<Schema>;

  beforeAll(async () => {
    proxy = await startTcpProxy({ target: { host: servers.mariadb.host, port: servers.mariadb.port } });
    sdb = await openServiceDatabase<Schema>({ config: mysqlConfig(proxy.port, prefix), service: 'fault', migrations });
  });
  afterAll(async () => {
    await sdb?.close();
    await proxy?.close();
    await dropDatabases(prefix);
  });

  it('fails fast with Unavailable while cut, and recovers by itself once restored', async () => {
    await sdb.db.insertInto('notes').values({ id: 2 ** 40, body: 'before' }).execute();
    // Open every pooled connection so the cut has live connections to kill.
    await Promise.all(Array.from({ length: 6 }, () => sdb.ping()));

    proxy.cut();
    const down = await Promise.all(Array.from({ length: 8 }, () => elapsed(() => sdb.db.selectFrom('notes').selectAll().execute())));
    for (const { ms, error } of down) {
      expect(error).toBeInstanceOf(SurgeError);
      expect((error as SurgeError).code).toBe(Code.Unavailable);
      expect((error as SurgeError).details).toEqual({ dependency: 'database' });
      expect(ms).toBeLessThan(3_000);
    }
    expect((await elapsed(() => sdb.ping())).error).toMatchObject({ code: Code.Unavailable });

    proxy.restore();
    let rows: { id: number; body: string }[] | undefined;
    for (let attempt = 0; attempt < 50 && rows === undefined; attempt++) {
      rows = (await elapsed(() => sdb.db.selectFrom('notes').selectAll().execute())).result;
      if (rows === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    expect(rows).toEqual([{ id: 2 ** 40, body: 'before' }]);
    await expect(sdb.ping()).resolves.toBeUndefined();
  });

  it('opening against a server that accepts but never answers fails within the connect timeout', async () => {
    const accepted: net.Socket[] = [];
    // Accept and say nothing: the MySQL handshake never starts.
    const silent = net.createServer((s) => accepted.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const { ms, error } = await elapsed(() =>
        openServiceDatabase({ config: mysqlConfig(port, prefix, 500), service: 'silent', migrations }),
      );
      expect((error as SurgeError).code).toBe(Code.Unavailable);
      expect(ms).toBeLessThan(2_000);
    } finally {
      for (const s of accepted) s.destroy();
      silent.close();
    }
  });

  it('opening against a closed port fails at once with Unavailable', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const { ms, error } = await elapsed(() => openServiceDatabase({ config: mysqlConfig(port, prefix), service: 'refused', migrations }));
    expect((error as SurgeError).code).toBe(Code.Unavailable);
    expect(ms).toBeLessThan(1_000);
  });
});
