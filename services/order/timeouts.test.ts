// Payment timeouts (order.paymentTimeoutSeconds: 1 here), waited for as conditions: the
// fixture hears each timeout the order module ran. Each path ends with the product's stock
// counted: an order's units come back exactly once, whoever cancels first.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { rejectionOf } from '#kit/testing';
import { startMall, type MallFixture } from './testing/fixture.js';

describe('payment timeout of 1 s', () => {
  let mall: MallFixture;
  let nextUser = 5000;
  const user = () => ++nextUser;

  beforeAll(async () => {
    mall = await startMall({ paymentTimeoutSeconds: 1 });
  }, 60_000);
  afterAll(() => mall?.close());

  it('cancels an unpaid order ("timeout") and returns its stock; a cancel after it is refused; a payment after it answers "cancelled"', async () => {
    const p = await mall.product(10);
    const order = await mall.order(user(), p.id, 3);
    expect(await mall.stockOf(p.id)).toBe(7);
    expect(await mall.expiryOf(order.id)).toBe('cancelled');
    const after = await mall.orders.getOrder({ userId: order.userId, id: order.id });
    expect(after).toMatchObject({ status: 'cancelled', cancelReason: 'timeout' });
    expect(await mall.stockOf(p.id)).toBe(10);
    expect((await rejectionOf(mall.orders.cancelOrder({ userId: order.userId, id: order.id }), Code.FailedPrecondition)).details).toMatchObject({ status: 'cancelled' });
    expect(await mall.orders.markPaid({ orderId: order.id, paymentId: 'late-pay', amountCents: order.totalCents })).toMatchObject({ outcome: 'cancelled', order: { status: 'cancelled' } });
    expect(await mall.stockOf(p.id)).toBe(10);
  });

  it("a timeout after the buyer's cancel releases again under the same branch, which the product's barrier makes a no-op", async () => {
    const p = await mall.product(10);
    const order = await mall.order(user(), p.id, 4);
    await mall.orders.cancelOrder({ userId: order.userId, id: order.id });
    expect(await mall.stockOf(p.id)).toBe(10);
    expect(await mall.expiryOf(order.id)).toBe('released');
    expect(await mall.orders.getOrder({ userId: order.userId, id: order.id })).toMatchObject({ status: 'cancelled', cancelReason: 'buyer' });
    expect(await mall.stockOf(p.id)).toBe(10);
  });

  it('keeps a paid order: its timeout is dropped, and an unpaid order placed after it times out while it stays paid', async () => {
    const p = await mall.product(10);
    const paid = await mall.order(user(), p.id, 2);
    await mall.orders.markPaid({ orderId: paid.id, paymentId: 'in-time', amountCents: paid.totalCents });
    const later = await mall.order(user(), p.id, 1);
    expect(await mall.expiryOf(later.id)).toBe('cancelled');
    expect(mall.expiries.filter((e) => e.orderId === paid.id && e.outcome !== 'kept')).toEqual([]);
    expect(await mall.orders.getOrder({ userId: paid.userId, id: paid.id })).toMatchObject({ status: 'paid', cancelReason: '' });
    expect(await mall.stockOf(p.id)).toBe(8);
  });
});

describe('after a restart (embedded: the in-process jobs are gone)', () => {
  it('the start schedules the timeout of every unpaid order again; one already past fires at once', async () => {
    const first = await startMall({ paymentTimeoutSeconds: 3600 });
    const p = await first.product(10);
    const order = await first.order(42, p.id, 5);
    const paid = await first.order(43, p.id, 1);
    await first.orders.markPaid({ orderId: paid.id, paymentId: 'p', amountCents: paid.totalCents });
    await first.close({ keepData: true });

    const second = await startMall({ paymentTimeoutSeconds: 1, dataDir: first.dataDir });
    try {
      expect(await second.expiryOf(order.id)).toBe('cancelled');
      expect(await second.orders.getOrder({ userId: 42, id: order.id })).toMatchObject({ status: 'cancelled', cancelReason: 'timeout' });
      expect(await second.stockOf(p.id)).toBe(9);
      expect(second.expiries.map((e) => e.orderId)).not.toContain(paid.id);
    } finally {
      await second.close();
      rmSync(first.dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
