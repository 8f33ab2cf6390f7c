// The user API end to end, as a client would use it, in embedded mode and on the real servers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokens } from '#kit/auth';
import { ManualClock } from '#kit/clock';
import { requireServer, servers } from '#kit/testing';
import { startTestSystem, type Mode, type TestSystem } from './harness.js';

const onServers = (await requireServer(servers.mariadb)) && (await requireServer(servers.redis)) && (await requireServer(servers.nats));
const modes: Mode[] = onServers ? ['embedded', 'servers'] : ['embedded'];

describe.each(modes)('user API (%s)', (mode) => {
  let sys: TestSystem;
  let seq = 0;
  const uniq = (p: string) => `${p}${Date.now().toString(36)}${seq++}`;

  beforeAll(async () => {
    sys = await startTestSystem(mode, { 'limits.codePerIp.quota': 1000, 'limits.loginPerIp.quota': 1000, 'limits.codePerMobile.quota': 1000 });
  });
  afterAll(async () => sys?.stop());

  const call = async (method: string, url: string, o: { body?: unknown; token?: string; ip?: string; headers?: Record<string, string>; raw?: string } = {}) => {
    const res = await sys.app.inject({
      method: method as 'GET',
      url,
      remoteAddress: o.ip ?? '127.0.0.1',
      headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(o.body !== undefined || o.raw !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers },
      payload: o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body)),
    });
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined, headers: res.headers };
  };

  it('registers, signs in and reads the profile', async () => {
    const username = uniq('alice');
    const reg = await call('POST', '/api/v1/users/register', { body: { username, password: 'secret123' } });
    expect(reg.status).toBe(201);
    expect(Number.isSafeInteger(reg.body.id)).toBe(true);
    expect(reg.body.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

    const dup = await call('POST', '/api/v1/users/register', { body: { username, password: 'other1234' } });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe(40901);
    expect(dup.body.message).toContain(username);

    const bad = await call('POST', '/api/v1/users/login', { body: { username, password: 'wrong-pass' } });
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({ code: 40101, message: 'wrong username or password' });
    const unknown = await call('POST', '/api/v1/users/login', { body: { username: uniq('nobody'), password: 'wrong-pass' } });
    expect(unknown.body).toEqual(bad.body);

    const login = await call('POST', '/api/v1/users/login', { body: { username, password: 'secret123' } });
    expect(login.status).toBe(200);
    expect(login.body.id).toBe(reg.body.id);

    const me = await call('GET', '/api/v1/users/me', { token: login.body.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: reg.body.id, username, name: username, avatar: '', signature: '' });

    const pub = await call('GET', `/api/v1/users/${reg.body.id}`);
    expect(pub.body).toEqual(me.body);
  });

  it('updates the profile and serves the new one right away (cache invalidated)', async () => {
    const reg = await call('POST', '/api/v1/users/register', { body: { username: uniq('bob'), password: 'secret123' } });
    await call('GET', `/api/v1/users/${reg.body.id}`); // warm the cache
    const patched = await call('PATCH', '/api/v1/users/me', { token: reg.body.token, body: { name: '鲍勃 🚀', signature: 'hi', avatar: 'https://example.com/a.png' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: '鲍勃 🚀', signature: 'hi', avatar: 'https://example.com/a.png' });
    const pub = await call('GET', `/api/v1/users/${reg.body.id}`);
    expect(pub.body.name).toBe('鲍勃 🚀');
  });

  it('returns many users in one call, in the order asked, leaving out missing ids', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push((await call('POST', '/api/v1/users/register', { body: { username: uniq('batch'), password: 'secret123' } })).body.id);
    const res = await call('GET', `/api/v1/users?ids=${ids[2]},999999999999,${ids[0]},${ids[1]},${ids[0]}`);
    expect(res.status).toBe(200);
    expect(res.body.users.map((u: { id: number }) => u.id)).toEqual([ids[2], ids[0], ids[1]]);
  });

  it('signs in by mobile code, registering on first use; a code works once', async () => {
    const mobile = `138${String(Date.now()).slice(-8)}`;
    expect((await call('POST', '/api/v1/users/code', { body: { mobile } })).status).toBe(204);
    // Sent to the number as E.164 (read in user.defaultRegion, CN).
    const code = sys.codes.get(`+86${mobile}`)!;
    expect(code).toMatch(/^\d{6}$/);
    const wrong = await call('POST', '/api/v1/users/login/mobile', { body: { mobile, code: code === '000000' ? '111111' : '000000' } });
    expect(wrong.status).toBe(401);
    const first = await call('POST', '/api/v1/users/login/mobile', { body: { mobile, code } });
    expect(first.status).toBe(200);
    const again = await call('POST', '/api/v1/users/login/mobile', { body: { mobile, code } });
    expect(again.status).toBe(401);
    expect(again.body.message).toMatch(/request a new one/);
    await call('POST', '/api/v1/users/code', { body: { mobile } });
    const second = await call('POST', '/api/v1/users/login/mobile', { body: { mobile, code: sys.codes.get(`+86${mobile}`)! } });
    expect(second.body.id).toBe(first.body.id);
    const me = await call('GET', '/api/v1/users/me', { token: second.body.token });
    expect(me.body.name).toMatch(/^user-[a-z]{8}$/); // no digit of the number
    expect(JSON.stringify(me.body)).not.toContain(mobile);
  });

  it('sends at most 10 codes per mobile per day (429 with Retry-After)', async () => {
    const mobile = `139${String(Date.now()).slice(-8)}`;
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 12; i++) {
      last = await call('POST', '/api/v1/users/code', { body: { mobile }, ip: `10.1.0.${i}` });
      statuses.push(last.status);
    }
    expect(statuses.filter((s) => s === 204)).toHaveLength(10);
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect(last!.body.code).toBe(42901);
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('limits codes to one mobile within a minute and code requests per address', async () => {
    const strict = await startTestSystem(mode, { 'limits.codePerIp.quota': 3 });
    try {
      const send = (mobile: string, ip: string) => strict.app.inject({ method: 'POST', url: '/api/v1/users/code', payload: { mobile }, remoteAddress: ip });
      const mobile = `137${String(Date.now()).slice(-8)}`;
      expect((await send(mobile, '10.3.0.1')).statusCode).toBe(204);
      const again = await send(mobile, '10.3.0.2');
      expect(again.statusCode).toBe(429);
      expect(JSON.parse(again.body).message).toMatch(/codes to this mobile/);
      expect(Number(again.headers['retry-after'])).toBeGreaterThan(0);
      const fromOneIp = [];
      for (let i = 0; i < 4; i++) fromOneIp.push((await send(`136${i}${String(Date.now()).slice(-7)}`, '10.3.0.9')).statusCode);
      expect(fromOneIp).toEqual([204, 204, 204, 429]);
    } finally {
      await strict.stop();
    }
  });

  it('limits sign-in attempts per account (429 with Retry-After)', async () => {
    const username = uniq('target');
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await call('POST', '/api/v1/users/login', { body: { username, password: 'guess12345' }, ip: `10.2.0.${i}` })).status);
    // Five wrong passwords are answered; the account's back-off (user.passwordBackoff) holds the rest,
    // before the gateway's period limit (10 per 5 minutes) would.
    expect(statuses.slice(0, 5).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(5)).toEqual(Array(7).fill(429));
  });

  it('rejects expired and tampered tokens with distinct codes', async () => {
    const reg = await call('POST', '/api/v1/users/register', { body: { username: uniq('tok'), password: 'secret123' } });
    const clock = new ManualClock(Date.now() - 10 * 24 * 3600 * 1000);
    const old = createTokens({ secret: sys.config.auth.jwtSecret, ttlSeconds: 3600, clock }).sign({ sub: reg.body.id });
    const expired = await call('GET', '/api/v1/users/me', { token: old });
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe(40102);
    const [h, p, s] = reg.body.token.split('.');
    const tampered = await call('GET', '/api/v1/users/me', { token: `${h}.${p}.${s.slice(0, -2)}${s.endsWith('AA') ? 'BB' : 'AA'}` });
    expect(tampered.status).toBe(401);
    expect(tampered.body.code).toBe(40101);
  });

  it('reports health, metrics and the API description', async () => {
    const health = await call('GET', '/healthz');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    expect(Object.keys(health.body.checks)).toContain('database');
    if (mode === 'servers') expect(Object.keys(health.body.checks)).toEqual(expect.arrayContaining(['redis', 'nats', 'blob store']));
    const metrics = await sys.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/surge_http_request_duration_seconds_count\{[^}]*method="POST",route="\/api\/v1\/users\/register",status="201"[^}]*\} [1-9]/);
    expect(metrics.body).toMatch(/surge_rpc_duration_seconds_count\{[^}]*side="server",service="surge\.user\.v1\.UserService",method="Register",code="0"[^}]*\} [1-9]/);
    const api = await call('GET', '/openapi.json');
    expect(Object.keys(api.body.paths)).toEqual(expect.arrayContaining(['/api/v1/users/register', '/api/v1/users/login', '/api/v1/users/me', '/api/v1/users/{id}']));
    const docs = await sys.app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBeLessThan(400);
  });
});
