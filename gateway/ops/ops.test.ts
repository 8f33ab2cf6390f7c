import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { createMetrics } from '#kit/observability';
import { opsAccess, startOpsServer } from './index.js';

const TOKEN = 'ops-token-'.padEnd(44, 'z');
const LOCAL = '127.0.0.1';
const REMOTE = '198.51.100.20';

describe('ops access rule', () => {
  // [listener, token, peer, headers, verdict]: one row per case the rule decides.
  const rows: [string, boolean, string, string | undefined, Record<string, string>, 'served' | 401 | 403][] = [
    ['API port, no token: loopback', true, '', LOCAL, {}, 'served'],
    ['API port, no token: IPv6 loopback', true, '', '::1', {}, 'served'],
    ['API port, no token: IPv4-mapped loopback', true, '', '::ffff:127.0.0.1', {}, 'served'],
    ['API port, no token: remote', true, '', REMOTE, {}, 403],
    ['API port, no token: no peer address', true, '', undefined, {}, 403],
    ['API port, no token: loopback forwarded by a proxy', true, '', LOCAL, { 'x-forwarded-for': REMOTE }, 403],
    ['API port, no token: loopback with Forwarded', true, '', LOCAL, { forwarded: `for=${REMOTE}` }, 403],
    ['API port, no token: loopback with X-Real-IP', true, '', LOCAL, { 'x-real-ip': REMOTE }, 403],
    ['API port, no token: remote claiming loopback', true, '', REMOTE, { 'x-forwarded-for': LOCAL }, 403],
    ['API port, no token: remote with some bearer', true, '', REMOTE, { authorization: 'Bearer x' }, 403],
    ['API port, token: remote with it', true, TOKEN, REMOTE, { authorization: `Bearer ${TOKEN}` }, 'served'],
    ['API port, token: scheme in lower case', true, TOKEN, REMOTE, { authorization: `bearer ${TOKEN}` }, 'served'],
    ['API port, token: loopback without it', true, TOKEN, LOCAL, {}, 401],
    ['API port, token: a longer one', true, TOKEN, REMOTE, { authorization: `Bearer ${TOKEN}z` }, 401],
    ['API port, token: a prefix of it', true, TOKEN, REMOTE, { authorization: `Bearer ${TOKEN.slice(0, -1)}` }, 401],
    ['API port, token: as Basic', true, TOKEN, REMOTE, { authorization: `Basic ${TOKEN}` }, 401],
    ['own listener, no token: remote', false, '', REMOTE, {}, 'served'],
    ['own listener, token: remote without it', false, TOKEN, REMOTE, {}, 401],
    ['own listener, token: remote with it', false, TOKEN, REMOTE, { authorization: `Bearer ${TOKEN}` }, 'served'],
  ];
  it.each(rows)('%s', (_case, sharedListener, token, peer, headers, verdict) => {
    const refused = opsAccess({ token, sharedListener })({ peer, headers });
    if (verdict === 'served') expect(refused).toBeUndefined();
    else {
      expect(refused?.httpStatus).toBe(verdict);
      expect(refused?.code).toBe(verdict === 401 ? Code.Unauthenticated : Code.PermissionDenied);
    }
  });
});

describe('ops listener', () => {
  const start = (token: string, ready = () => true) =>
    startOpsServer({ host: LOCAL, port: 0, token, metrics: createMetrics(), checks: [{ name: 'database', check: async () => undefined }, { name: 'redis', check: () => Promise.reject(new Error('ECONNREFUSED')) }], ready });

  it('with a token: /metrics and /healthz to its bearer only; /livez and /readyz to probes; others 404, all in {code, message}', async () => {
    let ready = true;
    const ops = await start(TOKEN, () => ready);
    try {
      const get = (path: string, token?: string) => fetch(`${ops.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      for (const path of ['/metrics', '/healthz']) {
        const refused = await get(path);
        expect(refused.status, path).toBe(401);
        expect(await refused.json()).toMatchObject({ code: Code.Unauthenticated });
      }
      expect((await get('/metrics', TOKEN)).headers.get('content-type')).toMatch(/^text\/plain/);
      const health = await get('/healthz', TOKEN);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ status: 'unavailable', code: Code.Unavailable, checks: { database: 'ok', redis: 'not answering (ECONNREFUSED)' } });
      expect((await get('/livez')).status).toBe(200);
      expect((await get('/readyz')).status).toBe(200);
      ready = false;
      expect((await get('/readyz')).status).toBe(503);
      const missing = await get('/nope', TOKEN);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ code: Code.NotFound });
    } finally {
      await ops.close();
    }
  });

  it('without a token: served to whoever reaches the address it is bound to', async () => {
    const ops = await start('');
    try {
      expect((await fetch(`${ops.url}/metrics`)).status).toBe(200);
    } finally {
      await ops.close();
    }
  });
});
