// The behaviour every LimitStore must show, through the limiters callers use.
// Run by memory.test.ts and redis.test.ts.
import { describe, expect, it } from 'vitest';
import type { ManualClock } from '#kit/clock';
import { createBackoffLimit, createPeriodLimit, createTokenBucket, type BackoffLimitOptions, type LimitStore, type PeriodState } from './index.js';

export interface LimitHarness {
  store: LimitStore;
  /** Drives refills and aligned boundaries (the store may also expire keys in real time). */
  clock: ManualClock;
  /** Period used by the reset test: long for a manual clock, ~1 s for a real server. */
  periodMs: number;
  /** Lets a full period pass: advances the clock, and sleeps for stores that expire in real time. */
  passPeriod(): Promise<void>;
  /** Unique per test run, so parallel runs on a shared server never meet. */
  keyPrefix: string;
}

function tally(states: PeriodState[]): Record<PeriodState, number> {
  const t = { allowed: 0, 'hit-quota': 0, 'over-quota': 0 };
  for (const s of states) t[s]++;
  return t;
}

export function limitStoreSuite(label: string, harness: () => LimitHarness): void {
  describe(`limit behaviour: ${label}`, () => {
    const period = (h: LimitHarness, quota = 5) =>
      createPeriodLimit({ periodMs: h.periodMs, quota, store: h.store, clock: h.clock, keyPrefix: `${h.keyPrefix}p:` });

    it('quota 5 over 100 takes: 4 allowed, the 5th hits the quota, 95 over', async () => {
      const h = harness();
      const limit = period(h);
      const takes = [];
      for (let i = 0; i < 100; i++) takes.push(await limit.take('user-1'));
      expect(tally(takes.map((t) => t.state))).toEqual({ allowed: 4, 'hit-quota': 1, 'over-quota': 95 });
      expect(takes[4]).toMatchObject({ state: 'hit-quota', allowed: true, remaining: 0, retryAfterMs: 0 });
      expect(takes.slice(0, 4).map((t) => t.remaining)).toEqual([4, 3, 2, 1]);
      const over = takes[5]!;
      expect(over.allowed).toBe(false);
      expect(over.retryAfterMs).toBeGreaterThan(0);
      expect(over.retryAfterMs).toBeLessThanOrEqual(h.periodMs);
    });

    it('the period resets once it has passed, and keys are counted apart', async () => {
      const h = harness();
      const limit = period(h, 2);
      expect((await limit.take('a')).state).toBe('allowed');
      expect((await limit.take('a')).state).toBe('hit-quota');
      expect((await limit.take('a')).state).toBe('over-quota');
      expect((await limit.take('b')).state).toBe('allowed');
      await h.passPeriod();
      expect((await limit.take('a')).state).toBe('allowed');
    });

    it('100 concurrent takes never exceed the quota', async () => {
      const h = harness();
      const limit = period(h);
      const takes = await Promise.all(Array.from({ length: 100 }, () => limit.take('hot')));
      expect(tally(takes.map((t) => t.state))).toEqual({ allowed: 4, 'hit-quota': 1, 'over-quota': 95 });
    });

    it('token bucket: the burst at once, then refill at the rate, never above the burst', async () => {
      const h = harness();
      const bucket = createTokenBucket({ ratePerSec: 10, burst: 5, store: h.store, clock: h.clock, keyPrefix: `${h.keyPrefix}t:` });
      const first = [];
      for (let i = 0; i < 6; i++) first.push(await bucket.take('ip-1'));
      expect(first.map((t) => t.allowed)).toEqual([true, true, true, true, true, false]);
      expect(first[5]!.retryAfterMs).toBe(100); // one token at 10/s
      h.clock.advance(100);
      expect((await bucket.take('ip-1')).allowed).toBe(true);
      expect((await bucket.take('ip-1')).allowed).toBe(false);
      h.clock.advance(250); // 2.5 tokens
      expect((await bucket.take('ip-1', 2)).allowed).toBe(true);
      expect((await bucket.take('ip-1')).allowed).toBe(false);
      h.clock.advance(60_000); // long idle: refills to the burst only
      const after = [];
      for (let i = 0; i < 7; i++) after.push((await bucket.take('ip-1')).allowed);
      expect(after.filter(Boolean).length).toBe(5);
      expect((await bucket.take('ip-2')).allowed).toBe(true);
    });

    it('token bucket: 100 concurrent takes get exactly the burst', async () => {
      const h = harness();
      const bucket = createTokenBucket({ ratePerSec: 1, burst: 10, store: h.store, clock: h.clock, keyPrefix: `${h.keyPrefix}t:` });
      const takes = await Promise.all(Array.from({ length: 100 }, () => bucket.take('hot')));
      expect(takes.filter((t) => t.allowed).length).toBe(10);
    });

    const backoff = (h: LimitHarness, o: Partial<BackoffLimitOptions> = {}) =>
      createBackoffLimit({ freeFailures: 5, baseMs: 1000, maxWaitMs: 900_000, store: h.store, clock: h.clock, keyPrefix: `${h.keyPrefix}b:`, ...o });
    /** Fails attempts on key until one is refused; returns how many were allowed. */
    const failUntilRefused = async (limit: ReturnType<typeof backoff>, key: string) => {
      for (let n = 0; n < 100; n++) if (!(await limit.take(key)).allowed) return n;
      throw new Error('never refused');
    };

    it('back-off: 5 free failures, then each attempt waits 2^k s, capped at 15 min', async () => {
      const h = harness();
      const limit = backoff(h);
      expect(await failUntilRefused(limit, 'acct')).toBe(5);
      const waits: number[] = [];
      for (let k = 0; k < 13; k++) {
        const refused = await limit.take('acct');
        expect(refused.allowed).toBe(false);
        waits.push(refused.retryAfterMs);
        h.clock.advance(refused.retryAfterMs - 1);
        expect((await limit.take('acct')).allowed).toBe(false); // 1 ms early: still waiting
        h.clock.advance(1);
        const attempt = await limit.take('acct'); // on time: allowed, and counted as a failure
        expect(attempt).toMatchObject({ allowed: true, failures: 6 + k });
      }
      expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900].map((s) => s * 1000));
      // Another key is untouched.
      expect((await limit.take('other')).allowed).toBe(true);
    });

    it('back-off: a pass forgets the failures; a refund takes back only its own attempt', async () => {
      const h = harness();
      const limit = backoff(h);
      for (let i = 0; i < 4; i++) await limit.take('k');
      await (await limit.take('k')).pass(); // the 5th attempt succeeds: all forgotten
      expect(await failUntilRefused(limit, 'k')).toBe(5);

      const refunded = backoff(h, { keyPrefix: `${h.keyPrefix}r:` });
      for (let i = 0; i < 4; i++) await refunded.take('k');
      for (let i = 0; i < 10; i++) await (await refunded.take('k')).refund(); // successes that must not count
      expect(await failUntilRefused(refunded, 'k')).toBe(1); // the 5th failure only now

      // Past the free failures, a refunded attempt leaves the key as it found it: no wait…
      h.clock.advance(1000);
      await (await refunded.take('k')).refund();
      expect((await refunded.take('k')).allowed).toBe(true);
      // …unless another attempt was counted meanwhile: its wait stands.
      h.clock.advance(2000);
      const early = await refunded.take('k');
      h.clock.advance(4000);
      const later = await refunded.take('k');
      expect(later).toMatchObject({ allowed: true, failures: 8 });
      await early.refund();
      expect(await refunded.take('k')).toMatchObject({ allowed: false, retryAfterMs: 8000 });
    });

    it('back-off: failures are forgotten a while after the last one; a pass is remembered as long as asked', async () => {
      const h = harness();
      const limit = backoff(h, { forgetAfterMs: 3_600_000, rememberPassMs: 7 * 86_400_000 });
      expect(await failUntilRefused(limit, 'k')).toBe(5);
      h.clock.advance(3_600_000);
      expect(await failUntilRefused(limit, 'k')).toBe(5);

      expect((await limit.take('p')).passedAt).toBe(0);
      const passAt = h.clock.now();
      await (await limit.take('p')).pass();
      h.clock.advance(86_400_000);
      expect(await limit.take('p')).toMatchObject({ allowed: true, passedAt: passAt }); // a failure keeps the memory of the pass
      h.clock.advance(6 * 86_400_000);
      expect((await limit.take('p')).passedAt).toBe(0);
    });

    it('back-off: 100 concurrent attempts on a fresh key get exactly the free ones', async () => {
      const h = harness();
      const limit = backoff(h);
      const takes = await Promise.all(Array.from({ length: 100 }, () => limit.take('hot')));
      expect(takes.filter((t) => t.allowed).length).toBe(5);
      expect(Math.max(...takes.map((t) => t.retryAfterMs))).toBe(1000);
    });
  });
}
