import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { requireServer, servers } from '#kit/testing';
import { dropDatabases } from '#kit/testing';
import { storeSuite } from './store.suite.js';

storeSuite('SQLite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'surge-store-'));
  return { config: { dialect: 'sqlite', dir }, cleanup: () => rm(dir, { recursive: true, force: true }) };
});

const hasMariadb = await requireServer(servers.mariadb);
describe.skipIf(!hasMariadb)('MariaDB', () => {
  storeSuite('MariaDB', async () => {
    const databasePrefix = `surgetest_${Math.random().toString(36).slice(2, 10)}`;
    return {
      config: { dialect: 'mysql', host: servers.mariadb.host, port: servers.mariadb.port, user: 'root', password: '', databasePrefix },
      cleanup: () => dropDatabases(databasePrefix),
    };
  });
});

