// The hot score's properties, on the formula alone: it holds times rather than ages, so an order
// computed at different moments agrees; one answer or one net vote is worth 160,000 s of being
// newer in each time it holds; it never goes below 0, and stays a safe integer.
import { describe, expect, it } from 'vitest';
import { ANSWER_WEIGHT_MS, hotScore, VOTE_WEIGHT_MS } from './model/hot.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

describe('hotScore (Question2Answer hotness)', () => {
  it('weighs the asked time, the last answer time, answers and net votes as Q2A does by default', () => {
    expect(hotScore({ createdAt: T0, lastAnswerAt: 0, answerCount: 0, answerScoreSum: 0 })).toBe(2 * T0);
    expect(hotScore({ createdAt: T0, lastAnswerAt: T0 + HOUR, answerCount: 2, answerScoreSum: 3 })).toBe(2 * T0 + HOUR + 2 * 160_000_000 + 3 * 160_000_000);
    expect(ANSWER_WEIGHT_MS).toBe(160_000 * 1000);
    expect(VOTE_WEIGHT_MS).toBe(ANSWER_WEIGHT_MS);
  });

  it('ranks a question answered and voted on above one asked a day later with none', () => {
    const busy = hotScore({ createdAt: T0, lastAnswerAt: T0 + 2 * HOUR, answerCount: 1, answerScoreSum: 1 });
    const quiet = hotScore({ createdAt: T0 + 24 * HOUR, lastAnswerAt: 0, answerCount: 0, answerScoreSum: 0 });
    expect(busy).toBeGreaterThan(quiet);
    // …and below one asked four days later: every question ages alike.
    expect(busy).toBeLessThan(hotScore({ createdAt: T0 + 96 * HOUR, lastAnswerAt: 0, answerCount: 0, answerScoreSum: 0 }));
  });

  it('floors at 0 under a flood of down-votes, and stays a safe integer for centuries of timestamps', () => {
    expect(hotScore({ createdAt: T0, lastAnswerAt: T0, answerCount: 1, answerScoreSum: -1_000_000 })).toBe(0);
    const far = hotScore({ createdAt: Date.UTC(2400, 0, 1), lastAnswerAt: Date.UTC(2400, 0, 1), answerCount: 1_000_000, answerScoreSum: 1_000_000 });
    expect(Number.isSafeInteger(far)).toBe(true);
  });
});
