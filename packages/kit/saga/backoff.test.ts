import { describe, expect, it } from 'vitest';
import { seededRandom } from '#kit/testing';
import { backoffMs } from './backoff.js';

describe('saga back-off: exponential with equal jitter', () => {
  const spec = { baseMs: 100, maxMs: 1_000 };

  it('doubles from baseMs and stops at maxMs; the wait is between half the ceiling and the ceiling', () => {
    const ceilings = [100, 200, 400, 800, 1000, 1000, 1000];
    ceilings.forEach((ceiling, i) => {
      expect(backoffMs(spec, i + 1, () => 0)).toBe(ceiling / 2);
      expect(backoffMs(spec, i + 1, () => 0.999_999)).toBe(ceiling);
    });
    expect(backoffMs(spec, 10_000, () => 0.5)).toBe(750);
  });

  it('spreads retries that failed together: 200 draws at one attempt cover the jitter band', () => {
    const random = seededRandom(7);
    const waits = Array.from({ length: 200 }, () => backoffMs(spec, 3, random));
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(200);
    expect(Math.max(...waits)).toBeLessThanOrEqual(400);
    // Both halves of the band are used, and no single wait takes more than a tenth of the draws.
    expect(waits.filter((w) => w < 300).length).toBeGreaterThan(60);
    expect(waits.filter((w) => w >= 300).length).toBeGreaterThan(60);
    const counts = new Map<number, number>();
    for (const w of waits) counts.set(w, (counts.get(w) ?? 0) + 1);
    expect(Math.max(...counts.values())).toBeLessThan(20);
  });
});
