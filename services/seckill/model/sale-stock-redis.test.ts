import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectRedis, redisReady, type Redis } from '#kit/redis';
import { dropRedisKeys, requireServer, servers, startTcpProxy } from '#kit/testing';
import type { SalePlan } from './sale-stock.js';
import { createRedisSaleStock } from './sale-stock-redis.js';
import { describeSaleStock } from './sale-stock.suite.js';

const hasRedis = await requireServer(servers.redis);
const runPrefix = `surge-test:seckill:${randomUUID()}:`;

// Two "nodes" are two connections to one server under different key prefixes: enough to prove
// that each bucket's keys and its tickets go to the node the bucket maps to.
const connect = async (node: string) => {
  const redis = connectRedis({ host: servers.redis.host, port: servers.redis.port, keyPrefix: `${runPrefix}${node}:`, name: 'surge-seckill-test' });
  await redisReady(redis);
  return redis;
};

describe.skipIf(!hasRedis)('redis sale stock', () => {
  let admin: Redis;
  let one: Redis[];
  let two: Redis[];
  beforeAll(async () => {
    admin = connectRedis({ host: servers.redis.host, port: servers.redis.port, name: 'surge-seckill-test' });
    await redisReady(admin);
    one = [await connect('single')];
    two = [await connect('n0'), await connect('n1')];
  });
  afterAll(async () => {
    await dropRedisKeys(admin, runPrefix);
    for (const redis of [admin, ...one, ...two]) redis.disconnect();
  });

  let run = 0;
  for (const [label, nodes] of [
    ['1 node', () => one],
    ['2 nodes', () => two],
  ] as const) {
    describeSaleStock(`redis, ${label}`, async ({ claimIdleMs }) => {
      const stock = createRedisSaleStock({ nodes: nodes(), keyPrefix: `s${run++}:`, consumer: `test-${process.pid}`, claimIdleMs });
      return { stock, cleanup: () => stock.close() };
    });
  }

  it('puts bucket i and its tickets on node i mod 2, each bucket under its own hash tag', async () => {
    const stock = createRedisSaleStock({ nodes: two, keyPrefix: 'route:', consumer: 'c', claimIdleMs: 60_000 });
    const p: SalePlan = { saleId: 42, stock: 8, buckets: 4, perUserLimit: 8 };
    await stock.load(p);
    for (let bucket = 0; bucket < 4; bucket++) {
      const node = `${runPrefix}n${bucket % 2}:route:`;
      const elsewhere = `${runPrefix}n${(bucket + 1) % 2}:route:`;
      expect(await admin.get(`${node}{seckill:42:${bucket}}:stock`)).toBe('2');
      expect(await admin.exists(`${elsewhere}{seckill:42:${bucket}}:stock`)).toBe(0);
    }
    // User 3's home is bucket 3 (node 1); user 4's is bucket 0 (node 0).
    expect(await stock.reserve(p, { saleId: 42, ticketId: 1, userId: 3, quantity: 2, addressId: 1, at: 1 })).toEqual({ status: 'reserved', bucket: 3 });
    expect(await stock.reserve(p, { saleId: 42, ticketId: 2, userId: 4, quantity: 1, addressId: 1, at: 1 })).toEqual({ status: 'reserved', bucket: 0 });
    expect(await admin.xlen(`${runPrefix}n1:route:seckill:journal`)).toBe(1);
    expect(await admin.xlen(`${runPrefix}n0:route:seckill:journal`)).toBe(1);
    expect(await admin.hget(`${runPrefix}n1:route:{seckill:42:3}:users`, '3')).toBe('2');
    // A buy from another bucket counts at home: user 3 again, home empty, units from bucket 0.
    expect(await stock.reserve(p, { saleId: 42, ticketId: 3, userId: 3, quantity: 1, addressId: 1, at: 1 })).toEqual({ status: 'reserved', bucket: 0 });
    expect(await admin.hget(`${runPrefix}n1:route:{seckill:42:3}:users`, '3')).toBe('3');
    expect(await admin.hexists(`${runPrefix}n0:route:{seckill:42:0}:users`, '3')).toBe(0);
    const tickets = await stock.take(10, 0);
    expect(tickets.map((t) => [t.ticketId, t.bucket]).sort()).toEqual([
      [1, 3],
      [2, 0],
      [3, 0],
    ]);
    await stock.done(tickets);
    expect(await admin.xlen(`${runPrefix}n0:route:seckill:journal`)).toBe(0);
    expect(await admin.hlen(`${runPrefix}n0:route:{seckill:42:0}:pending`)).toBe(0);
    await stock.close();
  });

  it('sends the buys of one turn to each home bucket as one script (at most 128 buys each), each buy checked as if alone', async () => {
    const stock = createRedisSaleStock({ nodes: one, keyPrefix: 'turn:', consumer: 'c', claimIdleMs: 60_000 });
    const p: SalePlan = { saleId: 7, stock: 100, buckets: 2, perUserLimit: 1 };
    await stock.load(p);
    // MONITOR reports every command in the order the server ran it: once the marker is seen, so is every buy's.
    const monitor = await admin.monitor();
    const marker = `marker-${randomUUID()}`;
    let reserveScripts = 0;
    let markerSeen = false;
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args[1] === marker) markerSeen = true;
      // The home step names 5 keys and passes 2 + 4 per buy; another bucket's step passes 3.
      else if (/^eval/i.test(args[0] ?? '') && args.length >= 14 && args.some((a) => a.includes('turn:{seckill:7:'))) reserveScripts++;
    });
    // 150 buyers, two buys each, in one turn: 75 homes in each bucket, 150 buys each.
    const buys = Array.from({ length: 300 }, (_, i) => ({ saleId: 7, ticketId: 1000 + i, userId: 1 + (i % 150), quantity: 1, addressId: 1, at: 1 }));
    const outcomes = await Promise.all(buys.map((r) => stock.reserve(p, r)));
    await admin.get(marker);
    await vi.waitFor(() => expect(markerSeen).toBe(true), { timeout: 10_000, interval: 5 });
    monitor.disconnect();
    const reserved = outcomes.flatMap((o, i) => (o.status === 'reserved' ? [buys[i]!.userId] : []));
    expect(reserved.length).toBe(100);
    expect(new Set(reserved).size).toBe(100); // the limit of 1 held within each script
    expect(outcomes.every((o) => ['reserved', 'over_limit', 'sold_out'].includes(o.status))).toBe(true);
    expect(await stock.left(p)).toBe(0);
    expect(reserveScripts).toBe(4); // 150 buys per bucket: two scripts each (128 + 22)
    await stock.close();
  });

  it('with one node away, buys on it fail Unavailable and the tickets of the other node still come', async () => {
    const proxy = await startTcpProxy({ target: { host: servers.redis.host, port: servers.redis.port } });
    const viaProxy = connectRedis({ port: proxy.port, keyPrefix: `${runPrefix}n1:`, maxReconnectDelayMs: 100 });
    await redisReady(viaProxy);
    const stock = createRedisSaleStock({ nodes: [two[0]!, viaProxy], keyPrefix: 'away:', consumer: 'c', claimIdleMs: 60_000, name: 'redis-seckill' });
    const p: SalePlan = { saleId: 5, stock: 4, buckets: 2, perUserLimit: 4 };
    const at = (ticketId: number, userId: number) => ({ saleId: 5, ticketId, userId, quantity: 1, addressId: 1, at: 1 });
    try {
      await stock.load(p);
      expect(await stock.reserve(p, at(1, 2))).toEqual({ status: 'reserved', bucket: 0 });
      expect(await stock.reserve(p, at(2, 1))).toEqual({ status: 'reserved', bucket: 1 });
      proxy.cut();
      await new Promise((r) => setTimeout(r, 50));
      await expect(stock.reserve(p, at(3, 1))).rejects.toMatchObject({ code: 50301, details: { dependency: 'redis-seckill' } });
      expect((await stock.take(10, 0)).map((t) => t.ticketId)).toEqual([1]);
      await expect(stock.take(10, 100)).rejects.toMatchObject({ code: 50301 });
      proxy.restore();
      await redisReady(viaProxy);
      expect((await stock.take(10, 1000)).map((t) => t.ticketId)).toEqual([2]);
    } finally {
      await stock.close();
      viaProxy.disconnect();
      await proxy.close();
    }
  });

  it('a Redis that does not answer fails a buy with Unavailable naming the dependency', async () => {
    const redis = await connect('down');
    const stock = createRedisSaleStock({ nodes: [redis], keyPrefix: '', consumer: 'c', claimIdleMs: 1000, name: 'redis-seckill' });
    redis.disconnect();
    const p: SalePlan = { saleId: 1, stock: 1, buckets: 1, perUserLimit: 1 };
    await expect(stock.reserve(p, { saleId: 1, ticketId: 1, userId: 1, quantity: 1, addressId: 1, at: 1 })).rejects.toMatchObject({
      code: 50301,
      details: { dependency: 'redis-seckill' },
    });
    await stock.close();
  });

  it('refuses bad options at construction, naming the option', () => {
    expect(() => createRedisSaleStock({ nodes: [], keyPrefix: '', consumer: 'c', claimIdleMs: 1 })).toThrow(/nodes/);
    expect(() => createRedisSaleStock({ nodes: one, keyPrefix: '', consumer: '', claimIdleMs: 1 })).toThrow(/consumer/);
    expect(() => createRedisSaleStock({ nodes: one, keyPrefix: '', consumer: 'c', claimIdleMs: 0 })).toThrow(/claimIdleMs/);
  });
});
