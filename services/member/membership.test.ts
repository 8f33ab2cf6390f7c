// GetMembership, BuyVip and GetVipPurchase: the level table, the batch in the order asked, a
// purchase paid under its own id, VIP extended from max(now, vip_until) exactly once per purchase
// when pay.paid says so (only for a "vip" payment of its buyer and amount), an expired VIP read as
// none, a purchase shown to its buyer only, and bad input named by its field. On SQLite and MariaDB.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { rejectionOf, testDatabases } from '#kit/testing';
import { applyVipPayment } from './logic/apply-vip-payment.js';
import { awardPoints } from './logic/award-points.js';
import { LEVELS, levelOf, VIP_MONTH_MS } from './rules.js';
import { memberFixturesOn, type MemberFixture } from './testing/fixture.js';

describe('the level table', () => {
  it.each([
    [0, 1], [99, 1], [100, 2], [299, 2], [300, 3], [999, 3], [1000, 4], [2999, 4], [3000, 5], [9999, 5], [10_000, 6], [1e9, 6],
  ])('%i points is level %i', (points, level) => {
    expect(levelOf(points)).toBe(level);
  });

  it('is published as 0, 100, 300, 1000, 3000, 10000', () => {
    expect(LEVELS).toEqual([0, 100, 300, 1000, 3000, 10_000]);
  });
});

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`membership and VIP, on ${kind.name}`, () => {
    const open = memberFixturesOn(kind);

    it('answers each id asked, in order, with no activity as 0 points, level 1, no VIP', async () => {
      const f = await open();
      // 20 accepted answers over 7 days (3 a day counted): 20 × 15 = 300 points, level 3.
      for (let i = 0; i < 20; i++) {
        await awardPoints(f.deps, { key: `k${i}`, userId: 1, kind: 'accepted', ref: `a${i}` });
        if (i % 3 === 2) f.clock.advance(86_400_000);
      }
      const { memberships } = await f.svc.getMembership({ userIds: [2, 1, 2] });
      expect(memberships).toEqual([
        { userId: 2, points: 0, level: 1, vipUntil: 0 },
        { userId: 1, points: 300, level: 3, vipUntil: 0 },
        { userId: 2, points: 0, level: 1, vipUntil: 0 },
      ]);
    });

    const vipOf = async (f: MemberFixture, userId: number) => (await f.svc.getMembership({ userIds: [userId] })).memberships[0]!.vipUntil;

    it('makes a purchase and a payment of months × the monthly price under its id, and shows it to its buyer only', async () => {
      const f = await open();
      const purchase = await f.svc.buyVip({ userId: 5, months: 3, simulate: '' });
      expect(purchase).toMatchObject({ status: 'pending', months: 3, amountCents: 4500, provider: 'fake', applied: false, paidAt: 0 });
      expect(f.payDesk.made).toMatchObject([{ id: purchase.paymentId, userId: 5, amountCents: 4500, reference: String(purchase.id) }]);
      await expect(f.svc.getVipPurchase({ userId: 5, id: purchase.id })).resolves.toEqual(purchase);
      const other = await rejectionOf(f.svc.getVipPurchase({ userId: 6, id: purchase.id }), Code.NotFound);
      expect(other.details).toMatchObject({ field: 'id' });
      await rejectionOf(f.svc.getVipPurchase({ userId: 5, id: purchase.id + 1 }), Code.NotFound);
      expect(await vipOf(f, 5)).toBe(0); // not paid yet
    });

    it('extends VIP once per paid purchase, from max(now, vip_until), however often pay.paid arrives', async () => {
      const f = await open();
      const purchase = await f.svc.buyVip({ userId: 5, months: 3, simulate: '' });
      const t0 = f.clock.now();
      // The paid event delivered eight times at once, each a separate delivery.
      await f.pay(purchase.paymentId, 8);
      expect(await vipOf(f, 5)).toBe(t0 + 3 * VIP_MONTH_MS);
      await expect(f.svc.getVipPurchase({ userId: 5, id: purchase.id })).resolves.toMatchObject({ status: 'paid', applied: true, paidAt: t0 });
      // Applied directly, under the same or another key: nothing more.
      const paid = { purchaseId: purchase.id, paymentId: purchase.paymentId, userId: 5, amountCents: 4500 };
      expect(await applyVipPayment(f.deps, 'another-delivery', paid)).toEqual({ outcome: 'already' });
      expect(await vipOf(f, 5)).toBe(t0 + 3 * VIP_MONTH_MS);

      // A second purchase while VIP: extended from vip_until, not from now.
      f.clock.advance(10 * 86_400_000);
      const second = await f.svc.buyVip({ userId: 5, months: 1, simulate: '' });
      await f.pay(second.paymentId);
      expect(await vipOf(f, 5)).toBe(t0 + 4 * VIP_MONTH_MS);

      // Run out: read as none; a purchase then counts from now.
      f.clock.advance(4 * VIP_MONTH_MS);
      expect(await vipOf(f, 5)).toBe(0);
      const third = await f.svc.buyVip({ userId: 5, months: 2, simulate: '' });
      await f.pay(third.paymentId);
      expect(await vipOf(f, 5)).toBe(f.clock.now() + 2 * VIP_MONTH_MS);
    });

    it('extends exactly under concurrent payments of one user', async () => {
      const f = await open();
      const purchases = await Promise.all(Array.from({ length: 6 }, () => f.svc.buyVip({ userId: 6, months: 1, simulate: '' })));
      expect(new Set(purchases.map((p) => p.id)).size).toBe(6);
      await Promise.all(purchases.map((p) => f.pay(p.paymentId, 2)));
      expect(await vipOf(f, 6)).toBe(f.clock.now() + 6 * VIP_MONTH_MS);
    });

    it("applies nothing for pay.paid of an order, of a purchase it never made, of another payer or another amount", async () => {
      const f = await open();
      const purchase = await f.svc.buyVip({ userId: 8, months: 1, simulate: '' });
      const event = { paymentId: purchase.paymentId, userId: 8, purpose: 'vip', reference: String(purchase.id), amountCents: 1500, paidAt: f.clock.now() };
      await f.publishPaid({ ...event, purpose: 'order' }); // an order whose id happens to be the purchase id
      await f.publishPaid({ ...event, reference: String(purchase.id + 1) });
      await f.publishPaid({ ...event, userId: 9 });
      await f.publishPaid({ ...event, amountCents: 1 });
      await f.publishPaid({ ...event, reference: 'not-a-purchase' });
      expect(await vipOf(f, 8)).toBe(0);
      expect(await vipOf(f, 9)).toBe(0);
      expect(f.logText().match(/matches no purchase/g)).toHaveLength(3);
      expect(f.logText()).toMatch(/reference is not a purchase id/);
      // The genuine one still applies.
      await f.publishPaid(event);
      expect(await vipOf(f, 8)).toBe(f.clock.now() + VIP_MONTH_MS);
    });

    it('passes on a pay service that is down (Unavailable), leaving an unpaid purchase that changes nothing', async () => {
      const f = await open();
      f.payDesk.down = true;
      await rejectionOf(f.svc.buyVip({ userId: 7, months: 1, simulate: '' }), Code.Unavailable);
      expect(f.payDesk.made).toHaveLength(0);
      expect(await vipOf(f, 7)).toBe(0);
    });

    const tooMany = Array.from({ length: 101 }, (_, i) => i + 1);
    it.each([
      ['no ids', () => ({ userIds: [] as number[] }), 'user_ids'],
      ['a zero id', () => ({ userIds: [1, 0] }), 'user_ids'],
      ['a negative id', () => ({ userIds: [-3] }), 'user_ids'],
      ['101 ids', () => ({ userIds: tooMany }), 'user_ids'],
    ])('GetMembership refuses %s', async (_name, req, field) => {
      const f = await open();
      const refused = await rejectionOf(f.svc.getMembership(req()), Code.InvalidArgument);
      expect(refused.details).toMatchObject({ field });
    });

    it.each([
      ['no user', { userId: 0, id: 1 }, 'user_id'],
      ['no id', { userId: 1, id: 0 }, 'id'],
      ['a negative id', { userId: 1, id: -5 }, 'id'],
    ])('GetVipPurchase refuses %s', async (_name, req, field) => {
      const f = await open();
      const refused = await rejectionOf(f.svc.getVipPurchase(req), Code.InvalidArgument);
      expect(refused.details).toMatchObject({ field });
    });

    it.each([
      ['0 months', { userId: 1, months: 0, simulate: '' }, 'months'],
      ['13 months', { userId: 1, months: 13, simulate: '' }, 'months'],
      ['-1 months', { userId: 1, months: -1, simulate: '' }, 'months'],
      ['no user', { userId: 0, months: 1, simulate: '' }, 'user_id'],
      ['an unknown simulation', { userId: 1, months: 1, simulate: 'refund' }, 'simulate'],
    ])('BuyVip refuses %s and makes no payment', async (_name, req, field) => {
      const f = await open();
      const refused = await rejectionOf(f.svc.buyVip(req), Code.InvalidArgument);
      expect(refused.details).toMatchObject({ field });
      expect(f.payDesk.made).toHaveLength(0);
      expect(await f.db.db.selectFrom('member_vip_purchases').selectAll().execute()).toHaveLength(0);
    });
  });
}
