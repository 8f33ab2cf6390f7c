// The `member` section: its defaults are the published points and caps, and every key is bounded.
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { memberConfig, memberConfigProblems, type MemberConfig } from './config.js';

describe('the member configuration section', () => {
  it('defaults to 5 × 4 articles, 15 × 3 accepted answers, 1 × 20 likes a day, VIP 1500 cents a month', () => {
    const defaults = Value.Default(memberConfig, {}) as MemberConfig;
    expect(defaults).toEqual({ articlePoints: 5, articlesPerDay: 4, acceptedPoints: 15, acceptedPerDay: 3, likePoints: 1, likesPerDay: 20, vipMonthCents: 1500 });
    expect(Value.Check(memberConfig, defaults)).toBe(true);
    expect(memberConfigProblems(defaults)).toEqual([]);
  });

  it.each([
    ['an unknown key', { articlePoint: 5 }],
    ['negative points', { likePoints: -1 }],
    ['a fractional cap', { likesPerDay: 1.5 }],
    ['a free VIP', { vipMonthCents: 0 }],
    ['a month whose twelve pass the largest payment', { vipMonthCents: 833_334 }],
    ['points past 1000', { acceptedPoints: 1001 }],
  ])('refuses %s', (_name, section) => {
    expect(Value.Check(memberConfig, Value.Default(memberConfig, { ...section }))).toBe(false);
  });
});

describe('the VIP price and the pay service', () => {
  it('keeps twelve months at the highest price within the largest payment the pay service takes', async () => {
    // pay.proto CreateReferencePaymentRequest.amount_cents: 1 to 10,000,000 (a service reaches another only through its contract).
    const MAX_AMOUNT_CENTS = 10_000_000;
    const { MAX_VIP_MONTHS } = await import('./rules.js');
    const highest = (memberConfig.properties.vipMonthCents as { maximum?: number }).maximum!;
    expect(highest * MAX_VIP_MONTHS).toBeLessThanOrEqual(MAX_AMOUNT_CENTS);
    expect((highest + 1) * MAX_VIP_MONTHS).toBeGreaterThan(MAX_AMOUNT_CENTS);
  });
});
