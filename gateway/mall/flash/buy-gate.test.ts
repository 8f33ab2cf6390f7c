import { describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { SurgeError } from '#kit/errors';
import type { FlashSale } from '#gen/surge/seckill/v1/seckill';
import { createBuyGate } from './buy-gate.js';
import { createBuyLimit } from './buy-limit.js';
import { createRefusals, isSoldOut } from './refusals.js';
import { createSalesSnapshot } from './sales-snapshot.js';
import { createSoldOutFlags } from './sold-out.js';

const T = 1_800_000_000_000;
const sale = (id: number, startAt: number, endAt: number): FlashSale => ({ id, productId: 1, name: 'p', imageUrl: '', priceCents: 1, originalPriceCents: 2, stock: 1, stockLeft: 1, startAt, endAt, perUserLimit: 1, status: 'running', createdAt: 0 });

const setup = () => {
  const clock = new ManualClock(T);
  const reads = { count: 0 };
  const listed = [sale(1, T - 1000, T + 60_000), sale(2, T + 1000, T + 60_000), sale(3, T - 60_000, T)];
  const sales = createSalesSnapshot({ clock, load: async () => (reads.count++, listed), onError: () => {} });
  const soldOut = createSoldOutFlags({ recheckMs: 1000, clock, announce: () => {} });
  const gate = createBuyGate({ limit: createBuyLimit({ perSecond: 5, clock }), sales, soldOut, refusals: createRefusals(), clock });
  return { clock, gate, soldOut, reads };
};

/** What a buy is answered here: the refusal's code and reason, or 'pass'. */
const outcome = (entry: unknown) =>
  entry instanceof SurgeError ? `${entry.code} ${entry.details?.reason ?? ''}`.trim() : 'pass';

describe('buy gate', () => {
  it('refuses outside the window from the copy of the sales, read once', async () => {
    const { clock, gate, reads } = setup();
    expect(outcome(await gate.enter(10, 1))).toBe('pass');
    expect(outcome(await gate.enter(11, 2))).toBe('40301 not_started');
    expect(outcome(await gate.enter(12, 3))).toBe('40301 ended');
    expect(reads.count).toBe(1);
    // The start's millisecond opens it.
    clock.advance(1000);
    expect(outcome(await gate.enter(11, 2))).toBe('pass');
  });

  it('passes a sale missing from the copy to the service, after one more read', async () => {
    const { clock, gate, reads } = setup();
    await gate.enter(10, 1);
    clock.advance(1000);
    expect(outcome(await gate.enter(10, 99))).toBe('pass');
    expect(outcome(await gate.enter(11, 98))).toBe('pass');
    expect(reads.count).toBe(2);
  });

  it('answers sold out from the flag without a pass, after the window check', async () => {
    const { gate, soldOut } = setup();
    soldOut.heard(1);
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => gate.enter(100 + i, 1)));
    expect(answers.every((a) => isSoldOut(a))).toBe(true);
    // A sold-out sale that has not started is still "not started".
    soldOut.heard(2);
    expect(outcome(await gate.enter(200, 2))).toBe('40301 not_started');
  });

  it("checks the user's rate first: a flood from one user is 429 whatever the sale, and takes no check-again pass", async () => {
    const { clock, gate, soldOut } = setup();
    soldOut.heard(1);
    clock.advance(1000);
    const answers = await Promise.all(Array.from({ length: 100 }, () => gate.enter(7, 1)));
    const refused = answers.filter((a) => a instanceof SurgeError && a.code === 42901);
    expect(refused).toHaveLength(95);
    expect((refused[0] as SurgeError).details).toEqual({ retryAfter: 1 });
    // Of the five let past the rate, exactly one checks again; the others are answered sold out.
    expect(answers.filter((a) => !(a instanceof SurgeError))).toHaveLength(1);
    expect(answers.filter(isSoldOut)).toHaveLength(4);
  });

  it('enterKnown answers as enter for a sale in the copy, and leaves a sale missing from it to enter, taking nothing', async () => {
    const { gate, soldOut } = setup();
    await gate.enter(10, 1);
    expect(outcome(gate.enterKnown(20, 1))).toBe('pass');
    expect(outcome(gate.enterKnown(21, 2))).toBe('40301 not_started');
    expect(outcome(gate.enterKnown(22, 3))).toBe('40301 ended');
    soldOut.heard(1);
    expect(isSoldOut(gate.enterKnown(23, 1))).toBe(true);
    // Missing: nothing decided, no token of the user's rate used.
    for (let i = 0; i < 10; i++) expect(gate.enterKnown(30, 99)).toBeUndefined();
    expect(outcome(await gate.enter(30, 99))).toBe('pass');
  });
});
