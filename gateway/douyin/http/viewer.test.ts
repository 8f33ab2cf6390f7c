import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createTokens } from '#kit/auth';
import { ManualClock } from '#kit/clock';
import { Code, SurgeError } from '#kit/errors';
import { Params, douyinPlugin, viewer } from './index.js';
import { refusalOf } from '#kit/testing';

const clock = new ManualClock(Date.UTC(2025, 0, 1));
const tokens = createTokens({ secret: 'a-test-secret-of-at-least-32-bytes!!', ttlSeconds: 60, clock });
const other = createTokens({ secret: 'another-secret-of-at-least-32-bytes!', ttlSeconds: 60, clock });

const withToken = (token: string | undefined) => new Params(token === undefined ? {} : { token });

const failure = (read: () => unknown): SurgeError => refusalOf(read);

describe('viewer', () => {
  it('reads the user id from a valid token, required or not', () => {
    const token = tokens.sign({ sub: 42 });
    expect(viewer(withToken(token), tokens, { required: true })).toBe(42);
    expect(viewer(withToken(token), tokens, { required: false })).toBe(42);
  });

  it('required: a missing, invalid or expired token is refused with its own code and message', () => {
    const expiring = tokens.sign({ sub: 7 });
    const cases: [string | undefined, number, string][] = [
      [undefined, Code.Unauthenticated, 'sign in first: token is missing'],
      ['', Code.Unauthenticated, 'sign in first: token is missing'],
      ['not-a-jwt', Code.Unauthenticated, 'token is invalid; log in again'],
      [other.sign({ sub: 7 }), Code.Unauthenticated, 'token is invalid; log in again'],
    ];
    for (const [token, code, message] of cases) {
      const e = failure(() => viewer(withToken(token), tokens, { required: true }));
      expect({ code: e.code, message: e.message, field: e.details?.field }).toEqual({ code, message, field: 'token' });
    }
    clock.advance(61_000);
    const e = failure(() => viewer(withToken(expiring), tokens, { required: true }));
    expect({ code: e.code, message: e.message }).toEqual({ code: Code.TokenExpired, message: 'your sign-in has expired; log in again' });
  });

  it('optional: a missing, invalid or expired token is the anonymous viewer 0', () => {
    const expiring = tokens.sign({ sub: 7 });
    clock.advance(61_000);
    for (const token of [undefined, '', 'not-a-jwt', other.sign({ sub: 7 }), expiring]) {
      expect(viewer(withToken(token), tokens, { required: false })).toBe(0);
    }
  });

  it('does not hide a verifier that fails for other reasons', () => {
    const broken = { verify: () => { throw new Error('boom'); } };
    expect(() => viewer(withToken('t'), broken, { required: false })).toThrow('boom');
  });

  it('reads the token from a form body too and answers 40101/40102 in the envelope', async () => {
    const app = Fastify();
    await app.register(async (scope) => {
      douyinPlugin(scope, { formLimitBytes: 1024 }).route({
        url: '/user/',
        empty: { user: null },
        handler: async (p) => ({ user: { id: viewer(p, tokens, { required: true }) } }),
      });
    }, { prefix: '/douyin' });
    const token = tokens.sign({ sub: 9 });
    const ok = await app.inject({ method: 'POST', url: '/douyin/user/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=${token}` });
    expect(ok.json()).toEqual({ status_code: 0, status_msg: 'ok', user: { id: 9 } });
    expect((await app.inject({ url: '/douyin/user/' })).json()).toEqual({ status_code: Code.Unauthenticated, status_msg: 'sign in first: token is missing', user: null });
    clock.advance(61_000);
    expect((await app.inject({ url: `/douyin/user/?token=${token}` })).json()).toEqual({ status_code: Code.TokenExpired, status_msg: 'your sign-in has expired; log in again', user: null });
    await app.close();
  });
});
