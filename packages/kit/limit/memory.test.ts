import { describe, expect, it } from 'vitest';
import { refusalOf } from '#kit/testing';
import { Code } from '#kit/errors';
import { ManualClock } from '#kit/clock';
import { createBackoffLimit, createMemoryLimitStore, createPeriodLimit, createTokenBucket } from './index.js';
import { limitStoreSuite } from './limit.suite.js';

limitStoreSuite('memory', () => {
  const clock = new ManualClock();
  const periodMs = 60_000;
  return {
    store: createMemoryLimitStore({ clock }),
    clock,
    periodMs,
    keyPrefix: '',
    passPeriod: async () => clock.advance(periodMs),
  };
});

describe('memory limit store', () => {
  it('aligned periods reset at the boundary, not a period after the first take', async () => {
    const day = 86_400_000;
    const clock = new ManualClock(Date.UTC(2025, 0, 1, 15, 0)); // 23:00 in UTC+8
    const limit = createPeriodLimit({ periodMs: day, quota: 1, align: true, alignOffsetMs: 8 * 3_600_000, clock });
    expect((await limit.take('mobile')).state).toBe('hit-quota');
    const over = await limit.take('mobile');
    expect(over).toMatchObject({ state: 'over-quota', retryAfterMs: 3_600_000 });
    clock.advance(3_600_000); // midnight in UTC+8
    expect((await limit.take('mobile')).state).toBe('hit-quota');
  });

  it('memory stays bounded: idle keys expire and at most maxKeys are held', async () => {
    const clock = new ManualClock();
    const store = createMemoryLimitStore({ clock, maxKeys: 100 });
    const limit = createPeriodLimit({ periodMs: 1000, quota: 3, store, clock });
    for (let i = 0; i < 1000; i++) await limit.take(`ip-${i}`);
    expect(store.size).toBeLessThanOrEqual(100);
    clock.advance(1001);
    for (let i = 0; i < 10; i++) await limit.take(`fresh-${i}`);
    expect(store.size).toBeLessThanOrEqual(100);
    // Expired windows are not counted again: the old keys start fresh.
    expect((await limit.take('ip-999')).remaining).toBe(2);
  });

  it('bad options fail at construction with InvalidArgument naming the option', () => {
    const invalid = (fn: () => unknown, field: string) => expect(refusalOf(fn, Code.InvalidArgument).details?.field).toBe(field);
    invalid(() => createPeriodLimit({ periodMs: 1000, quota: 0 }), 'quota');
    invalid(() => createPeriodLimit({ periodMs: -1, quota: 1 }), 'periodMs');
    invalid(() => createTokenBucket({ ratePerSec: 0 }), 'ratePerSec');
    invalid(() => createTokenBucket({ ratePerSec: 5, burst: 0.5 }), 'burst');
    invalid(() => createMemoryLimitStore({ maxKeys: 0 }), 'maxKeys');
    invalid(() => createBackoffLimit({ freeFailures: 0 }), 'freeFailures');
    invalid(() => createBackoffLimit({ maxWaitMs: 60_000, forgetAfterMs: 30_000 }), 'forgetAfterMs');
    invalid(() => createBackoffLimit({ rememberPassMs: -1 }), 'rememberPassMs');
  });

  it('a take larger than the burst is refused as an invalid argument', async () => {
    const bucket = createTokenBucket({ ratePerSec: 5, burst: 5, clock: new ManualClock() });
    await expect(bucket.take('k', 6)).rejects.toMatchObject({ code: Code.InvalidArgument });
  });
});
