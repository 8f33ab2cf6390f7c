import { describe, it, expect } from 'vitest';
import { ManualClock } from '#kit/clock';
import { Code, SurgeError } from '#kit/errors';
import { createCallers, createTokens } from './index.js';

const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long';

function setup(o: { trustMs?: number; accounts?: Set<number> } = {}) {
  const clock = new ManualClock(1_750_000_000_000);
  const tokens = createTokens({ secret: SECRET, clock, ttlSeconds: 3600 });
  const accounts = o.accounts ?? new Set([1, 2]);
  const asked: number[] = [];
  let failing: Error | undefined;
  const callers = createCallers({
    tokens,
    trustMs: o.trustMs ?? 60_000,
    clock,
    exists: async (id) => {
      asked.push(id);
      if (failing) throw failing;
      return accounts.has(id);
    },
  });
  return { clock, tokens, accounts, asked, callers, fail: (err: Error | undefined) => (failing = err) };
}

async function codeOf(run: () => unknown): Promise<number> {
  try {
    await run();
  } catch (err) {
    expect(err).toBeInstanceOf(SurgeError);
    return (err as SurgeError).code;
  }
  throw new Error('expected a refusal');
}

describe('callers', () => {
  it('asks once whether an account exists, then answers at once (no promise) for trustMs', async () => {
    const { callers, tokens, asked, clock } = setup();
    const token = tokens.sign({ sub: 1 });
    const first = callers.check(token);
    expect(first).toBeInstanceOf(Promise);
    expect((await first).sub).toBe(1);
    const again = callers.check(token);
    expect(again).not.toBeInstanceOf(Promise);
    expect((again as { sub: number }).sub).toBe(1);
    // Another token of the same account is trusted too: the account is what was confirmed.
    clock.advance(1_000);
    expect(callers.check(tokens.sign({ sub: 1 }))).not.toBeInstanceOf(Promise);
    expect(asked).toEqual([1]);
    clock.advance(59_001);
    expect(callers.check(token)).toBeInstanceOf(Promise);
    expect(asked).toEqual([1, 1]);
  });

  it('refuses a well-signed token of an account that does not exist, every time (not kept)', async () => {
    const { callers, tokens, asked, accounts } = setup();
    const ghost = tokens.sign({ sub: 99 });
    expect(await codeOf(() => callers.check(ghost))).toBe(Code.Unauthenticated);
    expect(await codeOf(() => callers.check(ghost))).toBe(Code.Unauthenticated);
    expect(asked).toEqual([99, 99]);
    // The account appears: the next check finds it.
    accounts.add(99);
    expect((await callers.check(ghost)).sub).toBe(99);
  });

  it('asks once for many waiting requests of one account', async () => {
    const { callers, tokens, asked } = setup();
    const token = tokens.sign({ sub: 2 });
    const all = await Promise.all(Array.from({ length: 20 }, () => callers.check(token)));
    expect(all.every((c) => c.sub === 2)).toBe(true);
    expect(asked).toEqual([2]);
  });

  it('refuses bad and expired tokens before asking anyone', async () => {
    const { callers, tokens, asked, clock } = setup();
    expect(await codeOf(() => callers.check('not-a-jwt'))).toBe(Code.Unauthenticated);
    const token = tokens.sign({ sub: 1 });
    await callers.check(token);
    clock.advance(3_600_000);
    // Expired, though its account is trusted.
    expect(await codeOf(() => callers.check(token))).toBe(Code.TokenExpired);
    expect(asked).toEqual([1]);
  });

  it('fails closed when the user service cannot answer, and asks again next time', async () => {
    const { callers, tokens, asked, fail } = setup();
    const token = tokens.sign({ sub: 1 });
    fail(new SurgeError(Code.Unavailable, 'user service down'));
    expect(await codeOf(() => callers.check(token))).toBe(Code.Unavailable);
    fail(undefined);
    expect((await callers.check(token)).sub).toBe(1);
    expect(asked).toEqual([1, 1]);
  });

  it('with trustMs 0 asks on every check', async () => {
    const { callers, tokens, asked } = setup({ trustMs: 0 });
    const token = tokens.sign({ sub: 1 });
    await callers.check(token);
    const again = callers.check(token);
    expect(again).toBeInstanceOf(Promise);
    await again;
    await callers.check(token);
    expect(asked).toEqual([1, 1, 1]);
  });

  it('refuses options it cannot use', () => {
    const tokens = createTokens({ secret: SECRET });
    expect(() => createCallers({ tokens, trustMs: -1, exists: async () => true })).toThrow(/trustMs/);
    expect(() => createCallers({ tokens, trustMs: 1.5, exists: async () => true })).toThrow(/trustMs/);
    expect(() => createCallers({ tokens, trustMs: 1, exists: undefined as never })).toThrow(/exists/);
    expect(() => createCallers({ tokens, trustMs: 1, maxAccounts: 0, exists: async () => true })).toThrow(/maxAccounts/);
  });
});
