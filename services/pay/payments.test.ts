// CreatePayment and GetPayment on SQLite and MariaDB: the amount is the order's, one pending
// payment per order (also for calls at once), orders that are not unpaid or not the caller's are
// refused, and a provider that refuses leaves the payment failed.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { rejectionOf, testDatabases } from '#kit/testing';
import { payFixturesOn } from './testing/fixture.js';

const BUYER = 41;
const OTHER = 42;

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`payments (${kind.name})`, () => {
    const open = payFixturesOn(kind);

    it('pays an unpaid order for its total, pending, and asks the provider to charge that amount once', async () => {
      const f = await open();
      const order = f.putOrder(BUYER, 12_345);
      const payment = await f.svc.createPayment({ userId: BUYER, orderId: order.id, simulate: '' });
      expect(payment).toMatchObject({ orderId: order.id, userId: BUYER, amountCents: 12_345, status: 'pending', provider: 'recorder', paidAt: 0, createdAt: f.clock.now() });
      expect(f.provider.charges).toEqual([{ paymentId: payment.id, orderId: order.id, amountCents: 12_345, simulate: '' }]);
      await expect(f.svc.getPayment({ userId: BUYER, id: payment.id })).resolves.toEqual(payment);
    });

    it('answers the pending payment to a second CreatePayment, and to ten at once: one payment, one charge', async () => {
      const f = await open();
      const order = f.putOrder(BUYER);
      const first = await f.svc.createPayment({ userId: BUYER, orderId: order.id, simulate: '' });
      await expect(f.svc.createPayment({ userId: BUYER, orderId: order.id, simulate: 'fail' })).resolves.toEqual(first);
      const other = f.putOrder(BUYER);
      const atOnce = await Promise.all(Array.from({ length: 10 }, () => f.svc.createPayment({ userId: BUYER, orderId: other.id, simulate: '' })));
      expect(new Set(atOnce.map((p) => p.id)).size).toBe(1);
      expect(f.provider.charges.filter((c) => c.orderId === other.id)).toHaveLength(1);
      const rows = await f.db.db.selectFrom('payments').select('id').where('order_id', '=', other.id).execute();
      expect(rows).toHaveLength(1);
    });

    it.each(['paid', 'cancelled', 'shipped'])('refuses a %s order with FailedPrecondition naming its status, writing nothing', async (status) => {
      const f = await open();
      const order = f.putOrder(BUYER, 1000, { status });
      const err = await rejectionOf(f.svc.createPayment({ userId: BUYER, orderId: order.id, simulate: '' }), Code.FailedPrecondition);
      expect(err.message).toBe(`status: the order is ${status}; only an unpaid order can be paid`);
      expect(err.details).toMatchObject({ field: 'status', status });
      expect(f.provider.charges).toHaveLength(0);
      expect(await f.db.db.selectFrom('payments').selectAll().execute()).toHaveLength(0);
    });

    it("reads another user's order and another user's payment as none", async () => {
      const f = await open();
      const order = f.putOrder(BUYER);
      const err = await rejectionOf(f.svc.createPayment({ userId: OTHER, orderId: order.id, simulate: '' }), Code.NotFound);
      expect(err.message).toBe('order_id: no such order');
      expect(f.provider.charges).toHaveLength(0);
      const payment = await f.svc.createPayment({ userId: BUYER, orderId: order.id, simulate: '' });
      expect((await rejectionOf(f.svc.getPayment({ userId: OTHER, id: payment.id }), Code.NotFound)).message).toBe('id: no such payment');
      await rejectionOf(f.svc.getPayment({ userId: BUYER, id: payment.id + 1 }), Code.NotFound);
    });

    it('tells the order about a paid payment it missed instead of charging the buyer again', async () => {
      const f = await open();
      const order = f.putOrder(BUYER, 1500);
      const payment = await f.svc.createPayment({ userId: BUYER, orderId: order.id, simulate: '' });
      f.ordersDown.markPaid = true;
      await f.notify(payment.id, 'paid', 1500);
      f.ordersDown.markPaid = false;
      expect(f.orders.get(order.id)?.status).toBe('unpaid');
      const err = await rejectionOf(f.svc.createPayment({ userId: BUYER, orderId: order.id, simulate: '' }), Code.FailedPrecondition);
      expect(err.message).toBe('status: the order is paid; only an unpaid order can be paid');
      expect(f.orders.get(order.id)).toMatchObject({ status: 'paid', paymentId: String(payment.id) });
      expect(f.provider.charges).toHaveLength(1);
    });

    it('leaves the payment failed when the provider refuses the charge (Unavailable), and a new try makes a new payment', async () => {
      const f = await open();
      const order = f.putOrder(BUYER, 999);
      f.provider.failCharges = true;
      const err = await rejectionOf(f.svc.createPayment({ userId: BUYER, orderId: order.id, simulate: '' }), Code.Unavailable);
      expect(err.message).toMatch(/payment provider \(recorder\)/);
      const [failed] = await f.db.db.selectFrom('payments').selectAll().where('order_id', '=', order.id).execute();
      expect(failed).toMatchObject({ status: 'failed', open: null });
      f.provider.failCharges = false;
      const retry = await f.svc.createPayment({ userId: BUYER, orderId: order.id, simulate: '' });
      expect(retry.id).not.toBe(Number(failed!.id));
      expect(retry.status).toBe('pending');
    });
  });
}
