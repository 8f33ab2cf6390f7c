import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createCallers, createTokens } from '#kit/auth';
import { ManualClock } from '#kit/clock';
import { Code, SurgeError, errors } from '#kit/errors';
import { Params, douyinPlugin, viewer } from './index.js';
import { refusalOf } from '#kit/testing';
import { signedFor } from './viewer.js';

const clock = new ManualClock(Date.UTC(2025, 0, 1));
const tokens = createTokens({ secret: 'a-test-secret-of-at-least-32-bytes!!', ttlSeconds: 60, clock });
const other = createTokens({ secret: 'another-secret-of-at-least-32-bytes!', ttlSeconds: 60, clock });
/** Every account but GHOST exists. */
const GHOST = 404;
const callers = createCallers({ tokens, trustMs: 60_000, clock, exists: async (id) => id !== GHOST });

const withToken = (token: string | undefined) => new Params(token === undefined ? {} : { token });

const failure = async (read: () => Promise<unknown>): Promise<SurgeError> => {
  try {
    await read();
  } catch (err) {
    expect(err).toBeInstanceOf(SurgeError);
    return err as SurgeError;
  }
  throw new Error('not refused');
};

describe('viewer', () => {
  it('reads the user id from a valid token, required or not', async () => {
    const token = tokens.sign({ sub: 42 });
    expect(await viewer(withToken(token), callers, { required: true })).toBe(42);
    expect(await viewer(withToken(token), callers, { required: false })).toBe(42);
  });

  it('required: a missing, invalid or expired token, or one of an account that does not exist, is refused with its own code and message', async () => {
    const expiring = tokens.sign({ sub: 7 });
    const cases: [string | undefined, number, string][] = [
      [undefined, Code.Unauthenticated, 'sign in first: token is missing'],
      ['', Code.Unauthenticated, 'sign in first: token is missing'],
      ['not-a-jwt', Code.Unauthenticated, 'token is invalid; log in again'],
      [other.sign({ sub: 7 }), Code.Unauthenticated, 'token is invalid; log in again'],
      [tokens.sign({ sub: GHOST }), Code.Unauthenticated, 'token is invalid; log in again'],
    ];
    for (const [token, code, message] of cases) {
      const e = await failure(() => viewer(withToken(token), callers, { required: true }));
      expect({ code: e.code, message: e.message, field: e.details?.field }).toEqual({ code, message, field: 'token' });
    }
    clock.advance(61_000);
    const e = await failure(() => viewer(withToken(expiring), callers, { required: true }));
    expect({ code: e.code, message: e.message }).toEqual({ code: Code.TokenExpired, message: 'your sign-in has expired; log in again' });
  });

  it('optional: a missing, invalid or expired token, or one of an account that does not exist, is the anonymous viewer 0', async () => {
    const expiring = tokens.sign({ sub: 7 });
    clock.advance(61_000);
    for (const token of [undefined, '', 'not-a-jwt', other.sign({ sub: 7 }), expiring, tokens.sign({ sub: GHOST })]) {
      expect(await viewer(withToken(token), callers, { required: false })).toBe(0);
    }
  });

  it('does not hide a check that fails for other reasons (the user service unreachable)', async () => {
    const broken = { check: () => { throw new Error('boom'); } };
    await expect(viewer(withToken('t'), broken, { required: false })).rejects.toThrow('boom');
    const unreachable = createCallers({ tokens, trustMs: 60_000, clock, exists: async () => { throw errors.unavailable('user service'); } });
    expect((await failure(() => viewer(withToken(tokens.sign({ sub: 8 })), unreachable, { required: false }))).code).toBe(Code.Unavailable);
  });

  it('signedFor checks the signature alone, in the call, with the same refusals', () => {
    expect(signedFor(tokens.sign({ sub: GHOST }), tokens)).toBe(GHOST);
    const e = refusalOf(() => signedFor('not-a-jwt', tokens));
    expect({ code: e.code, message: e.message, field: e.details?.field }).toEqual({ code: Code.Unauthenticated, message: 'token is invalid; log in again', field: 'token' });
  });

  it('reads the token from a form body too and answers 40101/40102 in the envelope', async () => {
    const app = Fastify();
    await app.register(async (scope) => {
      douyinPlugin(scope, { formLimitBytes: 1024 }).route({
        url: '/user/',
        empty: { user: null },
        handler: async (p) => ({ user: { id: await viewer(p, callers, { required: true }) } }),
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
