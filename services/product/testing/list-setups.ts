// Where the category lists are tested, for one test file of them: SQLite with the lists in
// process, and SQLite and MariaDB with the lists in Redis (each required in CI). The file's
// Redis connection opens before its tests; its keys, under a prefix unique to the run, and its
// databases are dropped after them.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { connectRedis, redisReady, type Redis } from '#kit/redis';
import { dropRedisKeys, requireServer, servers, testDatabases, type TestDatabaseKind } from '#kit/testing';
import type { ProductFixtureOptions } from './fixture.js';

export type ListOrder = 'newest' | 'price_asc' | 'price_desc' | 'sales';
export const LIST_ORDERS: readonly ListOrder[] = ['newest', 'price_asc', 'price_desc', 'sales'];

export interface ListSetup {
  name: string;
  kind: TestDatabaseKind;
  inRedis: boolean;
  /** False when its database or Redis is not running (outside CI): describe.skipIf(!setup.available). */
  available: boolean;
}

export interface ListSetups {
  setups: readonly ListSetup[];
  sqlite: TestDatabaseKind;
  /** Every key the file writes starts with this. */
  runPrefix: string;
  /** The file's Redis, once its tests run; undefined when Redis is not running. */
  redis(): Redis | undefined;
  /** An instance's lists for the setup: in Redis under a fresh prefix, or (no options) in process. */
  listsIn(setup: ListSetup): ProductFixtureOptions;
}

/** Call at the top of a test file: registers the file's beforeAll and afterAll. */
export async function listSetups(): Promise<ListSetups> {
  const hasRedis = await requireServer(servers.redis);
  const [sqlite, mariadb] = await testDatabases();
  const runPrefix = `surge-test:product-lists:${randomUUID()}:`;
  let redis: Redis | undefined;

  beforeAll(async () => {
    if (!hasRedis) return;
    redis = connectRedis({ host: servers.redis.host, port: servers.redis.port, name: 'surge-product-test' });
    await redisReady(redis);
  });
  afterAll(async () => {
    if (redis) {
      await dropRedisKeys(redis, runPrefix);
      redis.disconnect();
    }
    await sqlite!.cleanup();
    await mariadb!.cleanup();
  });

  const setup = (name: string, kind: TestDatabaseKind, inRedis: boolean): ListSetup => ({ name, kind, inRedis, available: kind.available && (!inRedis || hasRedis) });
  return {
    setups: [setup('SQLite, lists in process', sqlite!, false), setup('SQLite, lists in Redis', sqlite!, true), setup('MariaDB, lists in Redis', mariadb!, true)],
    sqlite: sqlite!,
    runPrefix,
    redis: () => redis,
    listsIn: (s) => (s.inRedis ? { listRedis: redis!, keyPrefix: `${runPrefix}${randomUUID()}:` } : {}),
  };
}
