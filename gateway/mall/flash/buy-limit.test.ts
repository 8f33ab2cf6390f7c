import { describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { createBuyLimit } from './buy-limit.js';

/** Outcomes of n takes by one user now: allowed count and the waits of the refused ones. */
const takes = (limit: { take(u: number): number }, user: number, n: number) => {
  const waits = Array.from({ length: n }, () => limit.take(user));
  return { allowed: waits.filter((w) => w === 0).length, waits: waits.filter((w) => w > 0) };
};

describe('per-user buy limit', () => {
  it('allows a burst of one second’s worth, then refuses with the wait until the next token', () => {
    const clock = new ManualClock();
    const limit = createBuyLimit({ perSecond: 5, clock });
    const first = takes(limit, 1, 100);
    expect(first.allowed).toBe(5);
    expect(first.waits).toHaveLength(95);
    expect(first.waits[0]).toBe(200);
    clock.advance(150);
    expect(limit.take(1)).toBe(50);
    clock.advance(50);
    expect(takes(limit, 1, 10).allowed).toBe(1);
    // Other users have buckets of their own.
    expect(takes(limit, 2, 10).allowed).toBe(5);
  });

  it('holds the long-run rate: a take every 10 ms for 10 s is allowed 5 + 50 times', () => {
    const clock = new ManualClock();
    const limit = createBuyLimit({ perSecond: 5, clock });
    let allowed = 0;
    for (let t = 0; t < 1000; t++) {
      if (limit.take(1) === 0) allowed++;
      clock.advance(10);
    }
    // 10 ms short of 10 s: the 50th refill lands on the step after the last take.
    expect(allowed).toBe(5 + 49);
  });

  it('forgets idle users within two seconds and holds at most twice maxUsers buckets under a flood of users', () => {
    const clock = new ManualClock();
    const limit = createBuyLimit({ perSecond: 5, clock, maxUsers: 100 });
    for (let user = 1; user <= 10_000; user++) limit.take(user);
    expect(limit.size).toBeLessThanOrEqual(200);
    clock.advance(1000);
    limit.take(1);
    clock.advance(1000);
    limit.take(1);
    expect(limit.size).toBe(1);
  });

  it('keeps an active user’s bucket across generations (no early refill)', () => {
    const clock = new ManualClock();
    const limit = createBuyLimit({ perSecond: 5, clock });
    expect(takes(limit, 1, 5).allowed).toBe(5);
    // Two generations turn while user 1 keeps buying at the rate: never more than the rate.
    for (let step = 0; step < 20; step++) {
      clock.advance(200);
      expect(takes(limit, 1, 3).allowed).toBe(1);
    }
  });

  it('refuses a rate or size that is not a positive whole number at construction', () => {
    const clock = new ManualClock();
    for (const perSecond of [0, -5, 2.5]) expect(() => createBuyLimit({ perSecond, clock })).toThrow(/perSecond/);
    expect(() => createBuyLimit({ perSecond: 5, clock, maxUsers: 0 })).toThrow(/maxUsers/);
  });
});
