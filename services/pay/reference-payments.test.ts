// Payments for other purposes than orders (CreateReferencePayment) on SQLite and MariaDB: the
// caller's amount within its bounds, one pending payment per (purpose, reference), settled when
// paid without asking the order service anything, a reference paid once refused; and pay.paid,
// written with the paid status, published exactly once per payment, for orders too.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { rejectionOf, testDatabases } from '#kit/testing';
import { MAX_AMOUNT_CENTS } from './rules.js';
import { payFixturesOn, type PayFixture } from './testing/fixture.js';

const BUYER = 61;
const OTHER = 62;

const vip = (f: PayFixture, reference: string, amountCents = 4500, o: { userId?: number; simulate?: '' | 'fail' } = {}) =>
  f.svc.createReferencePayment({ userId: o.userId ?? BUYER, purpose: 'vip', reference, amountCents, simulate: o.simulate ?? '' });

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`reference payments (${kind.name})`, () => {
    const open = payFixturesOn(kind);

    it('charges the amount asked for, pending, under the reference, with no order', async () => {
      const f = await open();
      const payment = await vip(f, 'p-1');
      expect(payment).toMatchObject({ orderId: 0, userId: BUYER, amountCents: 4500, status: 'pending', purpose: 'vip', reference: 'p-1', provider: 'recorder', paidAt: 0 });
      expect(f.provider.charges).toEqual([{ paymentId: payment.id, orderId: 0, amountCents: 4500, simulate: '' }]);
      await expect(f.svc.getPayment({ userId: BUYER, id: payment.id })).resolves.toEqual(payment);
      await rejectionOf(f.svc.getPayment({ userId: OTHER, id: payment.id }), Code.NotFound);
    });

    it.each([1, MAX_AMOUNT_CENTS])('takes the bound %i cents', async (amountCents) => {
      const f = await open();
      await expect(vip(f, `bound-${amountCents}`, amountCents)).resolves.toMatchObject({ amountCents, status: 'pending' });
    });

    it('answers the pending payment to a retry and to ten calls at once: one payment, one charge; refuses it to another payer or amount', async () => {
      const f = await open();
      const first = await vip(f, 'p-2');
      await expect(vip(f, 'p-2')).resolves.toEqual(first);
      const atOnce = await Promise.all(Array.from({ length: 10 }, () => vip(f, 'p-3', 1500)));
      expect(new Set(atOnce.map((p) => p.id)).size).toBe(1);
      expect(f.provider.charges.map((c) => c.paymentId)).toEqual([first.id, atOnce[0]!.id]);
      for (const call of [vip(f, 'p-2', 4500, { userId: OTHER }), vip(f, 'p-2', 4501)]) {
        expect((await rejectionOf(call, Code.FailedPrecondition)).details).toMatchObject({ field: 'reference', reason: 'reference_taken' });
      }
      // Orders and references never share a pending key: an order payment goes on beside them.
      const order = f.putOrder(BUYER, 700);
      await expect(f.svc.createPayment({ userId: BUYER, orderId: order.id, simulate: '' })).resolves.toMatchObject({ purpose: 'order', reference: String(order.id), status: 'pending' });
    });

    it('settles a paid payment without MarkPaid, publishes pay.paid once for any number of notifications, and refuses the reference again', async () => {
      const f = await open();
      const payment = await vip(f, 'p-4');
      f.clock.advance(500);
      const replies = await Promise.all(Array.from({ length: 5 }, () => f.notify(payment.id, 'paid', 4500)));
      expect(replies.every((r) => r.accepted && r.payment?.status === 'paid')).toBe(true);
      await f.notify(payment.id, 'paid', 4500); // a late repeat
      expect(f.markPaidCalls).toHaveLength(0);
      const [row] = await f.db.db.selectFrom('payments').selectAll().where('id', '=', payment.id).execute();
      expect(row).toMatchObject({ status: 'paid', settled: 1, paid_at: f.clock.now() });
      expect(await f.paidEvents()).toEqual([{ paymentId: payment.id, userId: BUYER, purpose: 'vip', reference: 'p-4', amountCents: 4500, paidAt: f.clock.now() }]);
      expect((await rejectionOf(vip(f, 'p-4'), Code.FailedPrecondition)).details).toMatchObject({ field: 'reference', reason: 'reference_paid' });
      expect(f.provider.charges).toHaveLength(1);
      // The reconciliation finds nothing to do and never asks the order service.
      f.ordersDown.getOrder = true;
      f.clock.advance(60_000);
      await expect(f.service.reconcile()).resolves.toMatchObject({ checked: 0, failed: 0 });
    });

    it('publishes nothing for a failed payment, and a new payment of the reference can be made', async () => {
      const f = await open();
      const failed = await vip(f, 'p-5', 4500, { simulate: 'fail' });
      await f.notify(failed.id, 'failed', 4500);
      const again = await vip(f, 'p-5');
      expect(again.id).not.toBe(failed.id);
      expect(await f.paidEvents()).toEqual([]);
      // The failed one is settled by the reconciliation without any order.
      f.ordersDown.getOrder = true;
      f.clock.advance(60_000);
      await expect(f.service.reconcile()).resolves.toMatchObject({ checked: 1, failed: 0 });
      const [row] = await f.db.db.selectFrom('payments').select('settled').where('id', '=', failed.id).execute();
      expect(Number(row!.settled)).toBe(1);
    });

    it("publishes pay.paid once when the reconciliation settles a payment from the provider's answer", async () => {
      const f = await open();
      const payment = await vip(f, 'p-6', 3000);
      f.provider.outcomes.set(payment.id, 'paid');
      f.clock.advance(121_000);
      await expect(f.service.reconcile()).resolves.toMatchObject({ pendingResolved: 1, failed: 0 });
      await expect(f.service.reconcile()).resolves.toMatchObject({ pendingResolved: 0 });
      await f.notify(payment.id, 'paid', 3000); // the notification arriving after all
      expect(await f.paidEvents()).toMatchObject([{ paymentId: payment.id, purpose: 'vip', reference: 'p-6', amountCents: 3000 }]);
      expect(f.markPaidCalls).toHaveLength(0);
    });

    it('publishes pay.paid for an order payment too, besides telling the order', async () => {
      const f = await open();
      const order = f.putOrder(BUYER, 2500);
      const payment = await f.svc.createPayment({ userId: BUYER, orderId: order.id, simulate: '' });
      await Promise.all([f.notify(payment.id, 'paid', 2500), f.notify(payment.id, 'paid', 2500)]);
      expect(f.markPaidCalls).toHaveLength(1);
      expect(await f.paidEvents()).toEqual([{ paymentId: payment.id, userId: BUYER, purpose: 'order', reference: String(order.id), amountCents: 2500, paidAt: f.clock.now() }]);
    });
  });
}
