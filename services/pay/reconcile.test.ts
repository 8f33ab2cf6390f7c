// Reconciliation on SQLite and MariaDB: a paid payment whose order missed MarkPaid is told to the
// order, one whose order was cancelled meanwhile is refunded, a refund the provider did not
// confirm is asked again, an order paid by a payment that is not paid is reported and not
// repaired; a payment changed within the grace is left to its notification; the periodic pass
// runs on the clock. Each count is checked, and a second pass finds nothing more to do.
import { describe, expect, it } from 'vitest';
import { testDatabases } from '#kit/testing';
import type { ReconcileReport } from '#gen/surge/pay/v1/pay';
import { payFixturesOn, type PayFixture } from './testing/fixture.js';

const BUYER = 61;
const GRACE_MS = 30_000;
const NOTHING: ReconcileReport = { checked: 0, markedPaid: 0, refunded: 0, refundsRetried: 0, paidWithoutPayment: 0, disputed: 0, failed: 0, pendingResolved: 0 };

/** A payment paid while the order service was down: paid here, unsettled, the order still unpaid. */
async function paidUnsettled(f: PayFixture, totalCents = 3000) {
  const order = f.putOrder(BUYER, totalCents);
  const payment = await f.svc.createPayment({ userId: BUYER, orderId: order.id, simulate: '' });
  f.ordersDown.markPaid = true;
  await f.notify(payment.id, 'paid', totalCents);
  f.ordersDown.markPaid = false;
  return { order, payment };
}

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`reconciliation (${kind.name})`, () => {
    const open = payFixturesOn(kind);

    it('tells the order about a paid payment it missed, once the grace has passed; the next pass has nothing to do', async () => {
      const f = await open();
      const { order, payment } = await paidUnsettled(f);
      expect(f.orders.get(order.id)?.status).toBe('unpaid');
      // Within the grace the notification may still be settling it: left alone.
      await expect(f.svc.reconcile({})).resolves.toEqual(NOTHING);
      f.clock.advance(GRACE_MS);
      await expect(f.svc.reconcile({})).resolves.toEqual({ ...NOTHING, checked: 1, markedPaid: 1 });
      expect(f.orders.get(order.id)).toMatchObject({ status: 'paid', paymentId: String(payment.id) });
      await expect(f.svc.reconcile({})).resolves.toEqual(NOTHING);
      expect(f.markPaidCalls.filter((c) => c.orderId === order.id)).toHaveLength(2);
    });

    it('refunds a paid payment whose order was cancelled meanwhile, once, without telling the order it was refunded', async () => {
      const f = await open();
      const { order, payment } = await paidUnsettled(f);
      f.orders.set(order.id, { ...f.orders.get(order.id)!, status: 'cancelled', cancelReason: 'timeout' });
      f.clock.advance(GRACE_MS);
      const [first, second] = await Promise.all([f.svc.reconcile({}), f.svc.reconcile({})]);
      // Two passes at once (two instances): one refund between them.
      expect(first!.refunded + second!.refunded).toBe(1);
      expect(f.provider.refunds).toEqual([{ paymentId: payment.id, amountCents: 3000 }]);
      await expect(f.svc.getPayment({ userId: BUYER, id: payment.id })).resolves.toMatchObject({ status: 'refunded' });
      expect(f.orders.get(order.id)).toMatchObject({ status: 'cancelled', paymentId: '' });
      await expect(f.svc.reconcile({})).resolves.toEqual(NOTHING);
    });

    it('asks the provider again for a refund it did not confirm', async () => {
      const f = await open();
      const { order, payment } = await paidUnsettled(f);
      f.orders.set(order.id, { ...f.orders.get(order.id)!, status: 'cancelled' });
      f.provider.failRefunds = true;
      f.clock.advance(GRACE_MS);
      // The refund is recorded (the payment is refunded, the refund due); the provider does not answer.
      await expect(f.svc.reconcile({})).resolves.toEqual({ ...NOTHING, checked: 1, refunded: 1 });
      const [due] = await f.db.db.selectFrom('payments').selectAll().where('id', '=', payment.id).execute();
      expect(due).toMatchObject({ status: 'refunded', refund_due: 1, settled: 0 });
      expect(f.provider.refunds).toHaveLength(0);
      // The refund just changed the payment: the grace leaves it to whoever made the change, then it is asked again.
      await expect(f.svc.reconcile({})).resolves.toEqual(NOTHING);
      f.clock.advance(GRACE_MS);
      await expect(f.svc.reconcile({})).resolves.toEqual({ ...NOTHING, checked: 1, failed: 1 });
      f.provider.failRefunds = false;
      await expect(f.svc.reconcile({})).resolves.toEqual({ ...NOTHING, checked: 1, refundsRetried: 1 });
      expect(f.provider.refunds).toEqual([{ paymentId: payment.id, amountCents: 3000 }]);
      const [row] = await f.db.db.selectFrom('payments').selectAll().where('id', '=', payment.id).execute();
      expect(row).toMatchObject({ status: 'refunded', refund_due: 0, settled: 1 });
      await expect(f.svc.reconcile({})).resolves.toEqual(NOTHING);
    });

    it('reports an order paid by a payment that failed here, and repairs nothing', async () => {
      const f = await open();
      const order = f.putOrder(BUYER, 500);
      const payment = await f.svc.createPayment({ userId: BUYER, orderId: order.id, simulate: '' });
      await f.notify(payment.id, 'failed', 500);
      f.orders.set(order.id, { ...order, status: 'paid', paymentId: String(payment.id) });
      f.clock.advance(GRACE_MS);
      await expect(f.svc.reconcile({})).resolves.toEqual({ ...NOTHING, checked: 1, paidWithoutPayment: 1 });
      expect(f.logText()).toMatch(/an order paid by a payment that is not paid; reported, not repaired/);
      await expect(f.svc.getPayment({ userId: BUYER, id: payment.id })).resolves.toMatchObject({ status: 'failed' });
      expect(f.orders.get(order.id)?.status).toBe('paid');
      expect(f.provider.refunds).toHaveLength(0);
    });

    it('settles a failed payment of an unpaid order quietly, and counts a pass the order service misses as failed, checked again next pass', async () => {
      const f = await open();
      const order = f.putOrder(BUYER, 500);
      const failed = await f.svc.createPayment({ userId: BUYER, orderId: order.id, simulate: '' });
      await f.notify(failed.id, 'failed', 500);
      f.clock.advance(GRACE_MS);
      f.ordersDown.getOrder = true;
      await expect(f.svc.reconcile({})).resolves.toEqual({ ...NOTHING, checked: 1, failed: 1 });
      f.ordersDown.getOrder = false;
      await expect(f.svc.reconcile({})).resolves.toEqual({ ...NOTHING, checked: 1 });
      await expect(f.svc.reconcile({})).resolves.toEqual(NOTHING);
    });

    it("asks the provider about a payment pending past 2 minutes (its notification never came) and settles it from the answer", async () => {
      const f = await open();
      const order = f.putOrder(BUYER, 800);
      const payment = await f.svc.createPayment({ userId: BUYER, orderId: order.id, simulate: '' });
      f.clock.advance(119_999);
      await expect(f.svc.reconcile({})).resolves.toEqual(NOTHING);
      f.clock.advance(1);
      // Undecided at the provider: asked, left pending.
      await expect(f.svc.reconcile({})).resolves.toEqual({ ...NOTHING, checked: 1 });
      f.provider.outcomes.set(payment.id, 'paid');
      await expect(f.svc.reconcile({})).resolves.toEqual({ ...NOTHING, checked: 1, pendingResolved: 1, markedPaid: 1 });
      await expect(f.svc.getPayment({ userId: BUYER, id: payment.id })).resolves.toMatchObject({ status: 'paid', paidAt: f.clock.now() });
      expect(f.orders.get(order.id)).toMatchObject({ status: 'paid', paymentId: String(payment.id) });
      // The notification arriving late changes nothing.
      await expect(f.notify(payment.id, 'paid', 800)).resolves.toMatchObject({ accepted: true, payment: { status: 'paid' } });
      expect(f.markPaidCalls).toHaveLength(1);
      f.clock.advance(GRACE_MS);
      await expect(f.svc.reconcile({})).resolves.toEqual(NOTHING);

      const other = f.putOrder(BUYER, 800);
      const lost = await f.svc.createPayment({ userId: BUYER, orderId: other.id, simulate: '' });
      f.provider.outcomes.set(lost.id, 'failed');
      f.clock.advance(120_000);
      await expect(f.svc.reconcile({})).resolves.toEqual({ ...NOTHING, checked: 1, pendingResolved: 1 });
      await expect(f.svc.getPayment({ userId: BUYER, id: lost.id })).resolves.toMatchObject({ status: 'failed' });
      expect(f.orders.get(other.id)?.status).toBe('unpaid');
      // The order is free for a new payment.
      await expect(f.svc.createPayment({ userId: BUYER, orderId: other.id, simulate: '' })).resolves.toMatchObject({ status: 'pending' });
    });

    it('runs a pass every reconcileSeconds on the clock, one after another, until closed', async () => {
      const f = await open();
      const job = f.service.start();
      try {
        const { order } = await paidUnsettled(f);
        f.clock.advance(59_999);
        expect(f.reconciled).toHaveLength(0);
        f.clock.advance(1);
        await waitFor(() => f.reconciled.length === 1);
        expect(f.reconciled[0]).toEqual({ ...NOTHING, checked: 1, markedPaid: 1 });
        expect(f.orders.get(order.id)?.status).toBe('paid');
        f.clock.advance(60_000);
        await waitFor(() => f.reconciled.length === 2);
        expect(f.reconciled[1]).toEqual(NOTHING);
      } finally {
        await job.close();
      }
      f.clock.advance(120_000);
      expect(f.reconciled).toHaveLength(2);
    });
  });
}

/** Resolves once cond() holds, checking every 10 ms; fails after 5 s. */
async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
