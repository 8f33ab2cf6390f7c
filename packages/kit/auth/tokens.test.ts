import { describe, it, expect } from 'vitest';
import { createHmac } from 'node:crypto';
import { ManualClock } from '#kit/clock';
import { Code, SurgeError } from '#kit/errors';
import { createTokens } from './index.js';

const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long';

function codeOf(fn: () => unknown): { code: number; message: string } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SurgeError);
    return { code: (e as SurgeError).code, message: (e as SurgeError).message };
  }
  throw new Error('expected a throw');
}

/** Re-signs a token's header and a modified payload with the given secret. */
function forge(token: string, secret: string, edit: (payload: Record<string, unknown>) => void): string {
  const [header, payload] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
  edit(claims);
  const body = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

describe('tokens', () => {
  it('round trips claims with iat and exp from the clock (default ttl 7 days)', () => {
    const clock = new ManualClock(1_750_000_000_000);
    const tokens = createTokens({ secret: SECRET, clock });
    const claims = tokens.verify(tokens.sign({ sub: 2 ** 40 + 7, role: 'creator' }));
    expect(claims).toMatchObject({ sub: 2 ** 40 + 7, role: 'creator', iat: 1_750_000_000, exp: 1_750_000_000 + 7 * 24 * 3600 });
    expect(Object.isFrozen(claims)).toBe(true);
  });

  it('a cached verification still honours expiry', () => {
    const clock = new ManualClock(1_750_000_000_000);
    const tokens = createTokens({ secret: SECRET, clock, ttlSeconds: 60 });
    const token = tokens.sign({ sub: 1 });
    for (let i = 0; i < 3; i++) expect(tokens.verify(token).sub).toBe(1); // now cached
    clock.advance(59_000);
    expect(tokens.verify(token).sub).toBe(1);
    clock.advance(1_000);
    const e = codeOf(() => tokens.verify(token));
    expect(e.code).toBe(Code.TokenExpired);
    expect(e.message).toMatch(/expired at .*sign in again/);
    // Uncached too: a fresh verifier on the same clock.
    expect(codeOf(() => createTokens({ secret: SECRET, clock }).verify(token)).code).toBe(Code.TokenExpired);
  });

  it('rejects malformed, tampered, wrongly signed and foreign-algorithm tokens as Unauthenticated', () => {
    const tokens = createTokens({ secret: SECRET });
    const good = tokens.sign({ sub: 42 });
    tokens.verify(good); // cached: tampered variants must still fail
    const cases: [string, RegExp][] = [
      ['not-a-jwt', /malformed/],
      ['a.b.c', /malformed/],
      [forge(good, 'another-secret-also-at-least-32-bytes!!', () => {}), /signature does not match/],
      // Flip a character inside the signature (the last one carries padding bits that may not count).
      [good.slice(0, -10) + (good.at(-10) === 'A' ? 'B' : 'A') + good.slice(-9), /signature does not match/],
      [good.split('.')[0] + '.' + Buffer.from(JSON.stringify({ sub: 1, iat: 1, exp: 9e9 })).toString('base64url') + '.' + good.split('.')[2], /signature does not match/],
      [`${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${good.split('.')[1]}.`, /signature|HS256/],
    ];
    for (const [token, message] of cases) {
      const e = codeOf(() => tokens.verify(token));
      expect(e.code, token).toBe(Code.Unauthenticated);
      expect(e.message, token).toMatch(message);
    }
    expect(codeOf(() => tokens.verify('')).code).toBe(Code.Unauthenticated);
  });

  it('checks the issuer and the claim types when signed by the right key', () => {
    const tokens = createTokens({ secret: SECRET, issuer: 'surge' });
    expect(tokens.verify(tokens.sign({ sub: 5 })).iss).toBe('surge');
    const otherIssuer = forge(tokens.sign({ sub: 5 }), SECRET, (p) => { p.iss = 'elsewhere'; });
    expect(codeOf(() => tokens.verify(otherIssuer)).code).toBe(Code.Unauthenticated);
    const stringSub = forge(tokens.sign({ sub: 5 }), SECRET, (p) => { p.sub = '5'; });
    expect(codeOf(() => tokens.verify(stringSub)).code).toBe(Code.Unauthenticated);
  });

  it('refuses a short secret and bad options at construction, naming the option', () => {
    const short = codeOf(() => createTokens({ secret: 'x'.repeat(31) }));
    expect(short.code).toBe(Code.InvalidArgument);
    expect(short.message).toContain('secret');
    expect(codeOf(() => createTokens({ secret: SECRET, ttlSeconds: 0 })).message).toContain('ttlSeconds');
    expect(codeOf(() => createTokens({ secret: SECRET }).sign({ sub: -1 })).message).toContain('sub');
  });
});
