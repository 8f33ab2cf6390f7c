// HandleNotification on SQLite and MariaDB: a paid notification pays the payment and tells the
// order once; repeats, re-deliveries and twins at once change nothing; forged, stale, unknown and
// wrong-amount notifications are refused, logged without the secret, and change nothing; a
// payment arriving after its order was cancelled is refunded at the provider exactly once.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { rejectionOf, testDatabases } from '#kit/testing';
import { PROVIDER_KEY, payFixturesOn, type PayFixture } from './testing/fixture.js';

const BUYER = 51;

async function pendingPayment(f: PayFixture, totalCents = 2500) {
  const order = f.putOrder(BUYER, totalCents);
  const payment = await f.svc.createPayment({ userId: BUYER, orderId: order.id, simulate: '' });
  return { order, payment };
}

/** The payments and notifications tables as they are, to compare before and after a refusal. */
async function tables(f: PayFixture) {
  return {
    payments: await f.db.db.selectFrom('payments').selectAll().orderBy('id').execute(),
    notifications: await f.db.db.selectFrom('notifications').selectAll().orderBy('id').execute(),
  };
}

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`notifications (${kind.name})`, () => {
    const open = payFixturesOn(kind);

    it('a paid notification pays the payment, then the order (MarkPaid once, with the payment id and amount)', async () => {
      const f = await open();
      const { order, payment } = await pendingPayment(f);
      f.clock.advance(700);
      const reply = await f.notify(payment.id, 'paid', 2500);
      expect(reply).toEqual({ accepted: true, payment: { ...payment, status: 'paid', paidAt: f.clock.now() } });
      expect(f.markPaidCalls).toEqual([{ orderId: order.id, paymentId: String(payment.id), amountCents: 2500 }]);
      expect(f.orders.get(order.id)).toMatchObject({ status: 'paid', paymentId: String(payment.id) });
      const [row] = (await tables(f)).payments;
      expect(row).toMatchObject({ status: 'paid', open: null, settled: 1, refund_due: 0 });
    });

    it('applies a notification once: the same request again, the same notification re-signed, another id for the same payment', async () => {
      const f = await open();
      const { payment } = await pendingPayment(f);
      const request = f.signed(payment.id, 'paid', 2500, { id: 'n-once' });
      await f.svc.handleNotification(request);
      const after = await tables(f);
      // The provider re-sends the very same request (its answer was lost), re-signs it, or sends a second notification.
      for (const again of [request, f.signed(payment.id, 'paid', 2500, { id: 'n-once' }), f.signed(payment.id, 'paid', 2500, { id: 'n-twice' })]) {
        const reply = await f.svc.handleNotification(again);
        expect(reply.accepted).toBe(true);
        expect(reply.payment?.status).toBe('paid');
      }
      expect(f.markPaidCalls).toHaveLength(1);
      expect((await tables(f)).payments).toEqual(after.payments);
    });

    it('ten paid notifications at once (distinct ids): one payment paid, MarkPaid once', async () => {
      const f = await open();
      const { payment } = await pendingPayment(f);
      const replies = await Promise.all(Array.from({ length: 10 }, () => f.notify(payment.id, 'paid', 2500)));
      expect(replies.every((r) => r.accepted && r.payment?.status === 'paid')).toBe(true);
      expect(f.markPaidCalls).toHaveLength(1);
      expect(await f.db.db.selectFrom('notifications').selectAll().execute()).toHaveLength(10);
    });

    it('a failed notification fails the payment, tells the order nothing, and a new payment can be made', async () => {
      const f = await open();
      const { order, payment } = await pendingPayment(f);
      await expect(f.notify(payment.id, 'failed', 2500)).resolves.toMatchObject({ accepted: true, payment: { status: 'failed', paidAt: 0 } });
      expect(f.markPaidCalls).toHaveLength(0);
      expect(f.orders.get(order.id)?.status).toBe('unpaid');
      const next = await f.svc.createPayment({ userId: BUYER, orderId: order.id, simulate: '' });
      expect(next.id).not.toBe(payment.id);
      // A late "paid" for the failed payment is not taken: the first final word stands.
      await expect(f.notify(payment.id, 'paid', 2500)).resolves.toMatchObject({ accepted: false, payment: { status: 'failed' } });
      expect(f.markPaidCalls).toHaveLength(0);
    });

    it.each<[string, (f: PayFixture, paymentId: number) => ReturnType<PayFixture['signed']>, Code, RegExp]>([
      ['signed with another secret', (f, id) => f.signed(id, 'paid', 2500, { key: { id: PROVIDER_KEY.id, secret: 'forger-'.padEnd(40, 'f') } }), Code.PermissionDenied, /does not match/],
      ['signed under an unknown key id', (f, id) => f.signed(id, 'paid', 2500, { key: { id: 'forger', secret: PROVIDER_KEY.secret } }), Code.PermissionDenied, /unknown key id/],
      ['whose body was changed after signing', (f, id) => ({ ...f.signed(id, 'paid', 2500), body: Buffer.from(`{"id":"n-x","payment_id":"${id}","status":"paid","amount_cents":1}`) }), Code.PermissionDenied, /does not match/],
      ['signed 301 s ago (stale)', (f, id) => f.signed(id, 'paid', 2500, { signedAt: f.clock.now() - 301_000 }), Code.PermissionDenied, /timestamp/],
      ['signed 301 s ahead', (f, id) => f.signed(id, 'paid', 2500, { signedAt: f.clock.now() + 301_000 }), Code.PermissionDenied, /timestamp/],
      ['with the wrong amount', (f, id) => f.signed(id, 'paid', 2499), Code.InvalidArgument, /^body\.amount_cents: the payment is 2500 cents, the notification says 2499$/],
      ['of an unknown payment', (f, id) => f.signed(id + 1000, 'paid', 2500), Code.InvalidArgument, /^body\.payment_id: no such payment$/],
      ['whose body is not JSON', (f) => f.signed(1, 'paid', 1, { body: 'status=paid' }), Code.InvalidArgument, /^body: must be a JSON object$/],
      ['with an unknown status', (f, id) => f.signed(id, 'paid', 1, { body: `{"id":"n-s","payment_id":"${id}","status":"refunded","amount_cents":2500}` }), Code.InvalidArgument, /^body\.status/],
    ])('refuses a notification %s, logs why without the secret, and changes nothing', async (_what, make, code, message) => {
      const f = await open();
      const { order, payment } = await pendingPayment(f);
      const before = await tables(f);
      const err = await rejectionOf(f.svc.handleNotification(make(f, payment.id)), code);
      expect(err.message).toMatch(message);
      expect(await tables(f)).toEqual(before);
      expect(f.markPaidCalls).toHaveLength(0);
      expect(f.orders.get(order.id)?.status).toBe('unpaid');
      expect(f.logText()).toMatch(/pay: refused a/);
      expect(f.logText()).not.toContain(PROVIDER_KEY.secret);
      // The genuine notification still goes through afterwards.
      await expect(f.notify(payment.id, 'paid', 2500)).resolves.toMatchObject({ accepted: true, payment: { status: 'paid' } });
    });

    it('refunds a payment that arrives after its order was cancelled: once at the provider, the order told nothing more', async () => {
      const f = await open();
      const { order, payment } = await pendingPayment(f);
      f.orders.set(order.id, { ...order, status: 'cancelled', cancelReason: 'timeout' });
      const replies = await Promise.all([f.notify(payment.id, 'paid', 2500), f.notify(payment.id, 'paid', 2500), f.notify(payment.id, 'paid', 2500)]);
      // A twin answered while the first was still settling sees the payment paid; none sees another status.
      expect(replies.every((r) => r.accepted && ['paid', 'refunded'].includes(r.payment!.status))).toBe(true);
      await expect(f.svc.getPayment({ userId: BUYER, id: payment.id })).resolves.toMatchObject({ status: 'refunded' });
      expect(f.provider.refunds).toEqual([{ paymentId: payment.id, amountCents: 2500 }]);
      expect(f.markPaidCalls).toHaveLength(1);
      expect(f.orders.get(order.id)).toMatchObject({ status: 'cancelled', paymentId: '' });
      const [row] = (await tables(f)).payments;
      expect(row).toMatchObject({ status: 'refunded', refund_due: 0, settled: 1 });
    });

    it('keeps a paid payment unsettled when the order service does not answer, and still accepts the notification', async () => {
      const f = await open();
      const { order, payment } = await pendingPayment(f);
      f.ordersDown.markPaid = true;
      await expect(f.notify(payment.id, 'paid', 2500)).resolves.toMatchObject({ accepted: true, payment: { status: 'paid' } });
      expect(f.orders.get(order.id)?.status).toBe('unpaid');
      const [row] = (await tables(f)).payments;
      expect(row).toMatchObject({ status: 'paid', settled: 0 });
      expect(f.logText()).toMatch(/could not tell the order its payment is paid/);
    });
  });
}
