// Every reply names its request (x-request-id, the reqId of its access-log line) and tells
// browsers not to sniff it, whatever answers it: a route, validation, auth, the 404 handler, the
// URL check before routing, the request guard, or the Douyin face's envelope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from './harness.js';

describe('reply headers', () => {
  let sys: TestSystem;
  let userId = 0;
  beforeAll(async () => {
    sys = await startTestSystem('embedded');
    const res = await sys.app.inject({ method: 'POST', url: '/api/v1/users/register', payload: { username: `hdr${Date.now().toString(36)}`, password: 'a-good-password' } });
    userId = res.json().id;
  }, 60_000);
  afterAll(async () => sys?.stop());

  type Case = [name: string, method: 'GET' | 'POST', url: () => string, headers: Record<string, string>, status: number];
  const cases: Case[] = [
    ['a route', 'GET', () => `/api/v1/users/${userId}`, {}, 200],
    ['validation', 'GET', () => '/api/v1/users/abc', {}, 400],
    ['auth', 'GET', () => '/api/v1/users/me', {}, 401],
    ['no such route', 'GET', () => '/api/v1/nowhere', {}, 404],
    ['a URL refused before routing', 'GET', () => '/api/v1/users/%E0%A4%A', {}, 400],
    ['the request guard', 'POST', () => '/api/v1/users/register', { 'content-encoding': 'gzip', 'content-type': 'application/json' }, 415],
    ['the Douyin envelope', 'GET', () => '/douyin/user/?user_id=abc', {}, 200],
  ];

  it.each(cases)('%s', async (_name, method, url, headers, status) => {
    const res = await sys.app.inject({ method, url: url(), headers, ...(method === 'POST' ? { payload: '{}' } : {}) });
    expect(res.statusCode).toBe(status);
    expect(res.headers['x-request-id']).toMatch(/^\S+$/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    // A caller's own request id is kept, so its logs and Surge's line up.
    const named = await sys.app.inject({ method, url: url(), headers: { ...headers, 'x-request-id': 'caller-req-7' }, ...(method === 'POST' ? { payload: '{}' } : {}) });
    expect(named.headers['x-request-id']).toBe('caller-req-7');
  });
});
