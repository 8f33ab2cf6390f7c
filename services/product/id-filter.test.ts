// The product id filter across instances: with Redis, a product created on one instance is found
// on another at once (the bits are shared); a filter per process would answer "never created"
// there until a restart, which is why the module puts it in Redis whenever there is Redis.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, redisReady, type Redis } from '#kit/redis';
import { dropRedisKeys, requireServer, servers, testDatabases } from '#kit/testing';
import { createProductIdFilter } from './model/id-filter.js';
import { openProductFixture } from './testing/fixture.js';

const hasRedis = await requireServer(servers.redis);
const [sqlite] = await testDatabases();
const keyPrefix = `surge-test:product:${randomUUID()}:`;

describe.skipIf(!hasRedis)('the product id filter in Redis', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = connectRedis({ host: servers.redis.host, port: servers.redis.port, name: 'surge-product-test' });
    await redisReady(redis);
  });
  afterAll(async () => {
    await dropRedisKeys(redis, keyPrefix);
    redis.disconnect();
    await sqlite!.cleanup();
  });

  it('lets every instance find a product the moment any instance creates it; a filter per process would not', async () => {
    const shared = () => createProductIdFilter({ redis, keyPrefix, expectedItems: 10_000 });
    const a = await openProductFixture(sqlite!, { productIds: shared() });
    const b = await a.restart({ productIds: shared() });
    const alone = await a.restart({ productIds: createProductIdFilter({ redis: undefined, keyPrefix, expectedItems: 10_000 }) });
    const c = await a.category('书');
    const made = await a.product({ categoryId: c.id, name: '新书' });
    expect((await b.rpc.getProducts({ ids: [made.id] })).products.map((p) => p.id)).toEqual([made.id]);
    expect((await alone.rpc.getProducts({ ids: [made.id] })).products).toEqual([]);
    // Unknown ids stop in the shared filter too: no query on either instance.
    const start = b.queries();
    for (let i = 1; i <= 50; i++) await b.rpc.getProducts({ ids: [made.id + i] });
    expect(b.queries() - start).toBeLessThanOrEqual(2);
  });
});
