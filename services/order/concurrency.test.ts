// Two instances of the mall (each hosting product, cart and order) on the real servers: the
// databases on MariaDB, the payment timeouts in Redis, shared by both. Required in CI, skipped
// elsewhere naming the missing server. Proved by counting: orders placed against the stock,
// orders per idempotency key, timeouts run per order, units of stock returned.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { connectRedis, redisReady } from '#kit/redis';
import { dropDatabases, dropRedisKeys, requireServer, servers } from '#kit/testing';
import { startMall, type MallFixture } from './testing/fixture.js';

const ready = (await requireServer(servers.mariadb)) && (await requireServer(servers.redis));

/** Two instances of one system under a fresh tag; dropped with everything they wrote. */
function twoInstances(paymentTimeoutSeconds: number) {
  const tag = `ord${randomBytes(4).toString('hex')}`;
  const pair: MallFixture[] = [];
  beforeAll(async () => {
    // One after the other: the first migrates the databases.
    pair.push(await startMall({ paymentTimeoutSeconds, servers: { tag, workerId: 11 } }));
    pair.push(await startMall({ paymentTimeoutSeconds, servers: { tag, workerId: 12 } }));
  }, 120_000);
  afterAll(async () => {
    for (const mall of pair) await mall.close();
    await dropDatabases(`surgetest_${tag}`);
    const redis = connectRedis({ host: servers.redis.host, port: servers.redis.port, name: 'order-test-cleanup' });
    await redisReady(redis);
    await dropRedisKeys(redis, `surgetest:${tag}:`);
    await redis.quit();
  });
  return pair;
}

describe.skipIf(!ready)('two order instances on MariaDB and Redis', () => {
  const [a, b] = [0, 1];
  const pair = twoInstances(3600);
  const on = (i: number) => pair[i % 2]!;

  it('concurrent orders for the last units, spread over both instances, never oversell', async () => {
    const product = await on(a).product(5);
    const buyers = Array.from({ length: 20 }, (_, i) => 100 + i);
    const addresses = await Promise.all(buyers.map((userId, i) => on(i).address(userId)));
    const results = await Promise.allSettled(
      buyers.map((userId, i) => on(i).orders.createOrder({ userId, addressId: addresses[i]!.id, items: [{ productId: product.id, quantity: 1 }], fromCart: false, idempotencyKey: '' })),
    );
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(refused.map((r) => r.reason.code)).toEqual(Array(15).fill(Code.FailedPrecondition));
    expect(await on(a).stockOf(product.id)).toBe(0);
    expect(await on(b).stockOf(product.id)).toBe(0);
  }, 60_000);

  it('one idempotency key sent to both instances at once makes one order, reserved once', async () => {
    const product = await on(b).product(50);
    const address = await on(a).address(500);
    const ask = (i: number) => on(i).orders.createOrder({ userId: 500, addressId: address.id, items: [{ productId: product.id, quantity: 3 }], fromCart: false, idempotencyKey: 'double-click' });
    const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => ask(i)));
    expect(new Set(replies.map((o) => o.id)).size).toBe(1);
    expect((await on(b).orders.listOrders({ userId: 500, status: '', cursor: '', limit: 0 })).orders).toHaveLength(1);
    expect(await on(a).stockOf(product.id)).toBe(47);
  }, 60_000);

  it('a cancel on one instance and the other racing it: one wins, the stock comes back once', async () => {
    const product = await on(a).product(10);
    const order = await on(a).order(600, product.id, 4);
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => on(i).orders.cancelOrder({ userId: 600, id: order.id })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await on(b).stockOf(product.id)).toBe(10);
  }, 60_000);

  it('flash batches sharing tickets, sent to both instances at once, make one order per ticket', async () => {
    const product = await on(a).product(1);
    const buyers = Array.from({ length: 10 }, (_, i) => 800 + i);
    const addresses = await Promise.all(buyers.map((userId, i) => on(i).address(userId)));
    const tickets = Array.from({ length: 60 }, (_, i) => ({
      ticketId: 50_000 + i, saleId: 77, userId: buyers[i % 10]!, addressId: addresses[i % 10]!.id,
      productId: product.id, name: product.name, imageUrl: '', priceCents: 500, quantity: 1, reservedAt: Date.now(),
    }));
    // Eight batches of 30 from eight starting points, every other one reversed: each ticket is in four.
    const batches = Array.from({ length: 8 }, (_, k) => {
      const slice = Array.from({ length: 30 }, (_, j) => tickets[(k * 8 + j) % 60]!);
      return k % 2 ? slice.reverse() : slice;
    });
    const replies = await Promise.all(batches.map((orders, k) => on(k).orders.createFlashOrders({ orders })));
    const orderIdsOf = new Map<number, Set<number>>();
    for (const { results } of replies) for (const r of results) orderIdsOf.set(r.ticketId, (orderIdsOf.get(r.ticketId) ?? new Set()).add(r.orderId));
    expect(orderIdsOf.size).toBe(60);
    expect([...orderIdsOf.values()].filter((ids) => ids.size !== 1 || ids.has(0))).toEqual([]);
    // Counted where they are stored: six tickets per buyer, six orders each.
    const stored = await Promise.all(buyers.map(async (userId) => (await on(b).orders.listOrders({ userId, status: '', cursor: '', limit: 50 })).orders.length));
    expect(stored).toEqual(Array(10).fill(6));
  }, 60_000);

  it("deliveries of one ticket that decide differently (its address gone for some), sent at once, all get the first claim's answer", async () => {
    const product = await on(a).product(1);
    const buyers = Array.from({ length: 10 }, (_, i) => 900 + i);
    const addresses = await Promise.all(buyers.map((userId, i) => on(i).address(userId)));
    const ticketOf = (i: number, addressId: number) => ({
      ticketId: 70_000 + i, saleId: 78, userId: buyers[i % 10]!, addressId,
      productId: product.id, name: product.name, imageUrl: '', priceCents: 500, quantity: 1, reservedAt: Date.now(),
    });
    // Each ticket in eight batches: four carry its buyer's address (an order), four an address
    // that is not theirs (a refusal), as a delivery that read the address after its deletion decides.
    const batches = Array.from({ length: 8 }, (_, k) => {
      const batch = Array.from({ length: 40 }, (_, i) => ticketOf(i, k % 2 ? addresses[i % 10]!.id : addresses[(i + 1) % 10]!.id));
      return k % 4 < 2 ? batch : batch.reverse();
    });
    const replies = await Promise.all(batches.map((orders, k) => on(k).orders.createFlashOrders({ orders })));
    const answersOf = new Map<number, Set<string>>();
    for (const { results } of replies) for (const r of results) answersOf.set(r.ticketId, (answersOf.get(r.ticketId) ?? new Set()).add(`${r.orderId}/${r.refusal}`));
    expect(answersOf.size).toBe(40);
    expect([...answersOf.entries()].filter(([, answers]) => answers.size !== 1)).toEqual([]);
    // Counted where they are stored: an order for each ticket answered with one, none for the refused.
    const ordered = [...answersOf.values()].filter((answers) => ![...answers][0]!.startsWith('0/')).length;
    const stored = await Promise.all(buyers.map(async (userId) => (await on(b).orders.listOrders({ userId, status: '', cursor: '', limit: 50 })).orders.length));
    expect(stored.reduce((x, y) => x + y, 0)).toBe(ordered);
  }, 60_000);
});

describe.skipIf(!ready)('payment timeouts in Redis, two instances polling', () => {
  const pair = twoInstances(1);

  it('each timeout runs once, on one instance, and returns the stock once', async () => {
    const product = await pair[0]!.product(10);
    const orders = [await pair[0]!.order(700, product.id, 2), await pair[1]!.order(701, product.id, 3)];
    expect(await pair[1]!.stockOf(product.id)).toBe(5);
    for (const order of orders) {
      const outcome = await Promise.any(pair.map((mall) => mall.expiryOf(order.id, 20_000)));
      expect(outcome).toBe('cancelled');
      expect(await pair[0]!.orders.getOrder({ userId: order.userId, id: order.id })).toMatchObject({ status: 'cancelled', cancelReason: 'timeout' });
    }
    expect(await pair[0]!.stockOf(product.id)).toBe(10);
    const ran = pair.flatMap((mall) => mall.expiries).filter((e) => orders.some((o) => o.id === e.orderId));
    expect(ran.map((e) => e.outcome)).toEqual(['cancelled', 'cancelled']);
  }, 60_000);
});
