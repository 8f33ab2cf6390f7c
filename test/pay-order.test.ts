// The pay service with the real order, product and cart modules (startSystem), its own simulator
// posting signed notifications over HTTP to a stand-in for the gateway's notify route, which
// forwards them to HandleNotification. Embedded: pay → notified → order paid; a notification
// twice changes nothing; forged, wrong-amount and stale notifications change nothing; a payment
// arriving after the order's payment timeout is refunded, the order stays cancelled and the stock
// came back exactly once; simulate fail; another user's order. On MariaDB + Redis (required in
// CI): two instances, notifications for one payment at once on both, one of them wins.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { connectRedis, redisReady } from '#kit/redis';
import { dropDatabases, dropRedisKeys, rejectionOf, requireServer, servers } from '#kit/testing';
import { startPayMall, until, type PayMall } from '../services/pay/testing/mall.js';

const BUYER = 301;
const OTHER = 302;

describe('pay with the real order, product and cart modules (embedded)', () => {
  let mall: PayMall;
  beforeAll(async () => {
    mall = await startPayMall();
  }, 60_000);
  afterAll(() => mall?.close());

  const paymentOf = (id: number) => mall.pay.getPayment({ userId: BUYER, id });

  it('pays an order: the simulator notifies through the notify route, the payment and then the order are paid', async () => {
    const product = await mall.product(10, 1250);
    const order = await mall.order(BUYER, product.id, 2);
    const payment = await mall.pay.createPayment({ userId: BUYER, orderId: order.id, simulate: '' });
    expect(payment).toMatchObject({ orderId: order.id, amountCents: 2500, status: 'pending', provider: 'simulator' });
    await until(async () => (await paymentOf(payment.id)).status === 'paid', 10_000, 'the payment paid');
    const paid = await mall.orders.getOrder({ userId: BUYER, id: order.id });
    expect(paid).toMatchObject({ status: 'paid', paymentId: String(payment.id), totalCents: 2500 });
    const delivered = mall.forwarded.filter((f) => 'reply' in f.outcome && f.outcome.reply.payment?.id === payment.id);
    expect(delivered).toHaveLength(1);
    expect(await mall.stockOf(product.id)).toBe(8);

    // The same notification again (the provider re-sends it), and re-signed: nothing changes.
    const request = delivered[0]!.request;
    for (const again of [request, request]) await expect(mall.pay.handleNotification(again)).resolves.toMatchObject({ accepted: true, payment: { status: 'paid' } });
    await expect(mall.orders.getOrder({ userId: BUYER, id: order.id })).resolves.toEqual(paid);
    await expect(paymentOf(payment.id)).resolves.toMatchObject({ status: 'paid', paidAt: (await paymentOf(payment.id)).paidAt });
    // Paid: a new payment is refused, naming the status.
    expect((await rejectionOf(mall.pay.createPayment({ userId: BUYER, orderId: order.id, simulate: '' }), Code.FailedPrecondition)).message).toMatch(/the order is paid/);
  }, 30_000);

  it('changes nothing for a forged, a wrong-amount or a stale notification', async () => {
    const product = await mall.product(10, 700);
    const order = await mall.order(BUYER, product.id);
    mall.hold();
    try {
      const payment = await mall.pay.createPayment({ userId: BUYER, orderId: order.id, simulate: '' });
      const good = { id: `forge-${payment.id}`, paymentId: payment.id, status: 'paid' as const, amountCents: 700 };
      const attempts: [Promise<unknown>, Code][] = [
        [mall.pay.handleNotification(mall.signed(good, { secret: randomBytes(32) })), Code.PermissionDenied],
        [mall.pay.handleNotification(mall.signed({ ...good, amountCents: 1 })), Code.InvalidArgument],
        [mall.pay.handleNotification(mall.signed(good, { signedAt: Date.now() - 301_000 })), Code.PermissionDenied],
      ];
      for (const [attempt, code] of attempts) await rejectionOf(attempt, code);
      await expect(paymentOf(payment.id)).resolves.toMatchObject({ status: 'pending' });
      await expect(mall.orders.getOrder({ userId: BUYER, id: order.id })).resolves.toMatchObject({ status: 'unpaid', paymentId: '' });
      // The genuine one, signed as the simulator signs, goes through.
      await expect(mall.pay.handleNotification(mall.signed(good))).resolves.toMatchObject({ accepted: true, payment: { status: 'paid' } });
      await expect(mall.orders.getOrder({ userId: BUYER, id: order.id })).resolves.toMatchObject({ status: 'paid', paymentId: String(payment.id) });
    } finally {
      mall.release();
    }
  }, 30_000);

  it('fails a payment made with simulate "fail": the order stays unpaid and can be paid again', async () => {
    const product = await mall.product(10);
    const order = await mall.order(BUYER, product.id);
    const failing = await mall.pay.createPayment({ userId: BUYER, orderId: order.id, simulate: 'fail' });
    await until(async () => (await paymentOf(failing.id)).status === 'failed', 10_000, 'the payment failed');
    await expect(mall.orders.getOrder({ userId: BUYER, id: order.id })).resolves.toMatchObject({ status: 'unpaid' });
    const retry = await mall.pay.createPayment({ userId: BUYER, orderId: order.id, simulate: '' });
    expect(retry.id).not.toBe(failing.id);
    await until(async () => (await mall.orders.getOrder({ userId: BUYER, id: order.id })).status === 'paid', 10_000, 'the order paid');
  }, 30_000);

  it("refuses another user's order as none, and shows nobody else's payment", async () => {
    const product = await mall.product(10);
    const order = await mall.order(BUYER, product.id);
    expect((await rejectionOf(mall.pay.createPayment({ userId: OTHER, orderId: order.id, simulate: '' }), Code.NotFound)).message).toBe('order_id: no such order');
    const payment = await mall.pay.createPayment({ userId: BUYER, orderId: order.id, simulate: '' });
    await rejectionOf(mall.pay.getPayment({ userId: OTHER, id: payment.id }), Code.NotFound);
  }, 30_000);

  it('reconciles on demand: nothing to repair when every payment reached its order', async () => {
    const report = await mall.pay.reconcile({});
    expect(report.markedPaid + report.refunded + report.paidWithoutPayment + report.disputed + report.failed).toBe(0);
  });
});

describe('a payment arriving after the order timed out (embedded, 1 s payment timeout)', () => {
  let mall: PayMall;
  beforeAll(async () => {
    mall = await startPayMall({ paymentTimeoutSeconds: 1 });
  }, 60_000);
  afterAll(() => mall?.close());

  it('is refunded; the order stays cancelled and its stock came back exactly once', async () => {
    const product = await mall.product(5);
    const order = await mall.order(BUYER, product.id, 3);
    expect(await mall.stockOf(product.id)).toBe(2);
    mall.hold();
    const payment = await mall.pay.createPayment({ userId: BUYER, orderId: order.id, simulate: '' });
    expect(await mall.expiryOf(order.id)).toBeDefined();
    await expect(mall.orders.getOrder({ userId: BUYER, id: order.id })).resolves.toMatchObject({ status: 'cancelled', cancelReason: 'timeout' });
    mall.release();
    await until(async () => (await mall.pay.getPayment({ userId: BUYER, id: payment.id })).status === 'refunded', 10_000, 'the payment refunded');
    await expect(mall.orders.getOrder({ userId: BUYER, id: order.id })).resolves.toMatchObject({ status: 'cancelled', paymentId: '', paidAt: 0 });
    expect(await mall.stockOf(product.id)).toBe(5);
    // A repeat of the notification, and a reconciliation pass, change nothing more.
    const delivered = mall.forwarded.find((f) => f.request.body.includes(String(payment.id)))!;
    await expect(mall.pay.handleNotification(delivered.request)).resolves.toMatchObject({ accepted: true, payment: { status: 'refunded' } });
    const report = await mall.pay.reconcile({});
    expect(report.refunded + report.markedPaid).toBe(0);
    expect(await mall.stockOf(product.id)).toBe(5);
    await expect(mall.orders.getOrder({ userId: BUYER, id: order.id })).resolves.toMatchObject({ status: 'cancelled' });
  }, 40_000);
});

const ready = (await requireServer(servers.mariadb)) && (await requireServer(servers.redis));

describe.skipIf(!ready)('two pay instances on MariaDB and Redis', () => {
  const tag = `pay${randomBytes(4).toString('hex')}`;
  const pair: PayMall[] = [];
  beforeAll(async () => {
    // One after the other: the first migrates the databases.
    pair.push(await startPayMall({ servers: { tag, workerId: 21 } }));
    pair.push(await startPayMall({ servers: { tag, workerId: 22 } }));
  }, 120_000);
  afterAll(async () => {
    for (const mall of pair) await mall.close();
    await dropDatabases(`surgetest_${tag}`);
    const redis = connectRedis({ host: servers.redis.host, port: servers.redis.port, name: 'pay-test-cleanup' });
    await redisReady(redis);
    await dropRedisKeys(redis, `surgetest:${tag}:`);
    await redis.quit();
  });

  it('two paid notifications of one payment at once, one on each instance: paid once, the order paid by it', async () => {
    const [a, b] = pair as [PayMall, PayMall];
    a.hold();
    try {
      const product = await a.product(10, 450);
      const order = await a.order(BUYER, product.id);
      const payment = await a.pay.createPayment({ userId: BUYER, orderId: order.id, simulate: '' });
      const notification = { paymentId: payment.id, status: 'paid' as const, amountCents: 450 };
      const replies = await Promise.all([a.pay.handleNotification(a.signed({ ...notification, id: 'twin-a' })), b.pay.handleNotification(b.signed({ ...notification, id: 'twin-b' }))]);
      expect(replies.every((r) => r.accepted)).toBe(true);
      const paid = await b.pay.getPayment({ userId: BUYER, id: payment.id });
      expect(paid.status).toBe('paid');
      await expect(a.orders.getOrder({ userId: BUYER, id: order.id })).resolves.toMatchObject({ status: 'paid', paymentId: String(payment.id) });
    } finally {
      a.release();
    }
  }, 60_000);

  it('a paid and a failed notification of one payment at once, on both instances: exactly one is taken, and the order follows it', async () => {
    const [a, b] = pair as [PayMall, PayMall];
    a.hold();
    try {
      for (let round = 0; round < 5; round += 1) {
        const product = await a.product(10, 300);
        const order = await a.order(BUYER, product.id);
        const payment = await a.pay.createPayment({ userId: BUYER, orderId: order.id, simulate: '' });
        const base = { paymentId: payment.id, amountCents: 300 };
        const replies = await Promise.all([
          a.pay.handleNotification(a.signed({ ...base, id: `race-${round}-paid`, status: 'paid' })),
          b.pay.handleNotification(b.signed({ ...base, id: `race-${round}-failed`, status: 'failed' })),
        ]);
        expect(replies.filter((r) => r.accepted)).toHaveLength(1);
        const final = (await a.pay.getPayment({ userId: BUYER, id: payment.id })).status;
        expect(replies.map((r) => r.payment?.status)).toEqual([final, final]);
        const orderNow = await b.orders.getOrder({ userId: BUYER, id: order.id });
        expect(orderNow.status).toBe(final === 'paid' ? 'paid' : 'unpaid');
      }
    } finally {
      a.release();
    }
  }, 60_000);
});
