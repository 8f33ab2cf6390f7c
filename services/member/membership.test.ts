// GetMembership and BuyVip: the level table, the batch in the order asked, VIP extended from
// max(now, vip_until) exactly once per payment, an expired VIP read as none, and bad input named
// by its field. On SQLite and MariaDB.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { rejectionOf, testDatabases } from '#kit/testing';
import { applyVipPayment } from './logic/apply-vip-payment.js';
import { awardPoints } from './logic/award-points.js';
import { LEVELS, levelOf, VIP_MONTH_MS } from './rules.js';
import { memberFixturesOn } from './testing/fixture.js';

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

    it('makes a payment of months × the monthly price, and extends VIP once per paid payment', async () => {
      const f = await open();
      const purchase = await f.svc.buyVip({ userId: 5, months: 3, simulate: '' });
      expect(purchase).toMatchObject({ status: 'pending', months: 3, amountCents: 4500, provider: 'fake' });
      expect(f.payDesk.made).toMatchObject([{ id: purchase.paymentId, userId: 5, amountCents: 4500 }]);
      expect((await f.svc.getMembership({ userIds: [5] })).memberships[0]!.vipUntil).toBe(0); // not paid yet

      const t0 = f.clock.now();
      // The paid event delivered many times at once, and once more under another delivery key.
      const applied = await Promise.all(Array.from({ length: 8 }, () => applyVipPayment(f.deps, `pay:${purchase.paymentId}`, purchase.paymentId)));
      expect(applied.filter(Boolean)).toHaveLength(1);
      expect(await applyVipPayment(f.deps, 'another-delivery', purchase.paymentId)).toBeUndefined();
      expect((await f.svc.getMembership({ userIds: [5] })).memberships[0]!.vipUntil).toBe(t0 + 3 * VIP_MONTH_MS);

      // A second purchase while VIP: extended from vip_until, not from now.
      f.clock.advance(10 * 86_400_000);
      const second = await f.svc.buyVip({ userId: 5, months: 1, simulate: '' });
      await applyVipPayment(f.deps, `pay:${second.paymentId}`, second.paymentId);
      expect((await f.svc.getMembership({ userIds: [5] })).memberships[0]!.vipUntil).toBe(t0 + 4 * VIP_MONTH_MS);

      // Run out: read as none; a purchase then counts from now.
      f.clock.advance(4 * VIP_MONTH_MS);
      expect((await f.svc.getMembership({ userIds: [5] })).memberships[0]!.vipUntil).toBe(0);
      const third = await f.svc.buyVip({ userId: 5, months: 2, simulate: '' });
      await applyVipPayment(f.deps, `pay:${third.paymentId}`, third.paymentId);
      expect((await f.svc.getMembership({ userIds: [5] })).memberships[0]!.vipUntil).toBe(f.clock.now() + 2 * VIP_MONTH_MS);
    });

    it('extends exactly under concurrent payments of one user, and ignores a payment it never made', async () => {
      const f = await open();
      const purchases = await Promise.all(Array.from({ length: 6 }, () => f.svc.buyVip({ userId: 6, months: 1, simulate: '' })));
      await Promise.all(purchases.map((p) => applyVipPayment(f.deps, `pay:${p.paymentId}`, p.paymentId)));
      expect((await f.svc.getMembership({ userIds: [6] })).memberships[0]!.vipUntil).toBe(f.clock.now() + 6 * VIP_MONTH_MS);
      expect(await applyVipPayment(f.deps, 'pay:999999', 999_999)).toBeUndefined();
    });

    it('refuses BuyVip while no payment desk can take it', async () => {
      const f = await open({ payDesk: false });
      const refused = await rejectionOf(f.svc.buyVip({ userId: 7, months: 1, simulate: '' }), Code.FailedPrecondition);
      expect(refused.details).toMatchObject({ reason: 'vip_payments_unavailable' });
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
    });
  });
}
