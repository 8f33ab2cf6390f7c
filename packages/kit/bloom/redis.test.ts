import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { connectRedis, redisReady, type Redis } from '#kit/redis';
import { requireServer, servers, startTcpProxy, type TcpProxy, dropRedisKeys } from '#kit/testing';
import { createMemoryBloomFilter, createRedisBloomFilter } from './index.js';
import { bloomSuite, members, nonMembers } from './bloom.suite.js';
import { bloomFilter } from './bloom.js';
import { MemoryBitmap } from './memory.js';
import { bloomShape } from './sizing.js';

const hasRedis = await requireServer(servers.redis);
const runPrefix = `surge-test:bloom:${randomUUID()}:`;

describe.skipIf(!hasRedis)('redis bloom filter', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = connectRedis({ host: servers.redis.host, port: servers.redis.port, name: 'surge-bloom-test' });
    await redisReady(redis);
  });
  afterAll(async () => {
    await dropRedisKeys(redis, runPrefix);
    redis.disconnect();
  });

  let run = 0;
  // A small maxItemsPerCall, so the suite's batches also cross chunk boundaries.
  bloomSuite('redis', { make: async (options) => createRedisBloomFilter({ ...options, redis, keyPrefix: runPrefix, key: `suite-${run++}`, maxItemsPerCall: 700 }) });

  it('gives the same answers as the memory filter for the same inputs, and holds the same bytes', async () => {
    const options = { expectedItems: 10_000, falsePositiveRate: 0.01 };
    const shape = bloomShape(options.expectedItems, options.falsePositiveRate);
    const bitmap = new MemoryBitmap(shape.bits);
    const memory = bloomFilter(shape, bitmap);
    const shared = createRedisBloomFilter({ ...options, redis, keyPrefix: runPrefix, key: 'same-answers' });
    await Promise.all([memory.addMany(members()), shared.addMany(members())]);
    const probe = [...members(), ...nonMembers()];
    const [fromMemory, fromRedis] = await Promise.all([memory.mightContainMany(probe), shared.mightContainMany(probe)]);
    expect(fromRedis.length).toBe(probe.length);
    expect(fromRedis.filter((answer, i) => answer !== fromMemory[i]).length).toBe(0);
    // Redis stores the string only up to its highest set bit; the rest of the memory bitmap is zeros.
    const stored = (await redis.getBuffer(`${runPrefix}{same-answers}`))!;
    expect(Buffer.compare(stored, Buffer.from(bitmap.bytes.subarray(0, stored.length)))).toBe(0);
    expect(bitmap.bytes.subarray(stored.length).every((byte) => byte === 0)).toBe(true);
  });

  it('a process configured with another size fails with FailedPrecondition instead of reading the wrong bits', async () => {
    const key = 'shape';
    const first = createRedisBloomFilter({ redis, keyPrefix: runPrefix, key, expectedItems: 1_000 });
    await first.add(7);
    const other = createRedisBloomFilter({ redis, keyPrefix: runPrefix, key, expectedItems: 2_000 });
    await expect(other.mightContain(7)).rejects.toMatchObject({ code: Code.FailedPrecondition });
    await expect(other.add(8)).rejects.toMatchObject({ code: Code.FailedPrecondition });
    expect(await first.mightContain(7)).toBe(true);
    // Two filters given the same options share the bits, whoever added them.
    const again = createRedisBloomFilter({ redis, keyPrefix: runPrefix, key, expectedItems: 1_000 });
    expect(await again.mightContain(7)).toBe(true);
  });

  it('bad options fail at construction with InvalidArgument naming the option', () => {
    expect(() => createRedisBloomFilter({ redis, key: '', expectedItems: 10 })).toThrow(expect.objectContaining({ details: { field: 'key' } }));
    expect(() => createRedisBloomFilter({ redis, key: 'k', expectedItems: 10, maxItemsPerCall: 0 })).toThrow(expect.objectContaining({ details: { field: 'maxItemsPerCall' } }));
    expect(() => createRedisBloomFilter({ key: 'k', expectedItems: 10 } as never)).toThrow(expect.objectContaining({ details: { field: 'redis' } }));
  });
});

describe.skipIf(!hasRedis)('redis bloom filter when Redis goes away', () => {
  let proxy: TcpProxy;
  let viaProxy: Redis;
  beforeAll(async () => {
    proxy = await startTcpProxy({ target: { host: servers.redis.host, port: servers.redis.port } });
    viaProxy = connectRedis({ port: proxy.port, maxReconnectDelayMs: 100 });
    await redisReady(viaProxy);
  });
  afterAll(async () => {
    await dropRedisKeys(viaProxy, runPrefix);
    viaProxy.disconnect();
    await proxy.close();
  });

  it('fails with Unavailable naming the dependency (the caller decides: a guard in front of a cache lets the lookup through)', async () => {
    const filter = createRedisBloomFilter({ redis: viaProxy, keyPrefix: runPrefix, key: 'down', expectedItems: 100, name: 'redis-bloom' });
    await filter.add(1);
    proxy.cut();
    await new Promise((r) => setTimeout(r, 50));
    await expect(filter.mightContain(1)).rejects.toMatchObject({ code: Code.Unavailable, details: { dependency: 'redis-bloom' } });
    await expect(filter.addMany([2, 3])).rejects.toMatchObject({ code: Code.Unavailable });
    proxy.restore();
    await redisReady(viaProxy);
    expect(await filter.mightContain(1)).toBe(true);
    expect(createMemoryBloomFilter({ expectedItems: 100 }).bits).toBe(filter.bits);
  });
});
