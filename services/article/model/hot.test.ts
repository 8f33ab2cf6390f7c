import { describe, expect, it } from 'vitest';
import { hotScore } from './hot.js';

const at = Date.UTC(2026, 0, 1);
const base = { likeCount: 0, commentCount: 0, viewCount: 0, createdAt: at };

describe('hotScore', () => {
  it('grows with likes, comments and views, comments weighing most', () => {
    expect(hotScore({ ...base, likeCount: 10 })).toBeGreaterThan(hotScore(base));
    expect(hotScore({ ...base, commentCount: 10 })).toBeGreaterThan(hotScore({ ...base, likeCount: 10 }));
    expect(hotScore({ ...base, viewCount: 100 })).toBeGreaterThan(hotScore(base));
  });

  it('ten times the interactions are worth 12.5 hours of being newer', () => {
    const older = hotScore({ ...base, likeCount: 50 });
    const newer = hotScore({ ...base, likeCount: 5, createdAt: at + 45_000_000 });
    expect(Math.abs(older - newer)).toBeLessThanOrEqual(1);
  });

  it('is an integer that fits a cursor key, and never below the time term', () => {
    const s = hotScore({ ...base, likeCount: -3 });
    expect(Number.isSafeInteger(s)).toBe(true);
    expect(String(s).length).toBeLessThanOrEqual(16);
    expect(s).toBe(hotScore(base));
  });
});
