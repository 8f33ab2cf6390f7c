// Dependencies going away under a running system, on the real servers. Redis and MariaDB are
// reached through TCP proxies the test controls, so the shared servers keep running for
// everyone else while this system sees them vanish and come back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { requireServer, servers, startTcpProxy, type TcpProxy } from '#kit/testing';
import { startTestSystem, type TestSystem } from './harness.js';

const ready = (await requireServer(servers.mariadb)) && (await requireServer(servers.redis)) && (await requireServer(servers.nats));

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!ready)('faults on the real servers', () => {
  let sys: TestSystem;
  let redisProxy: TcpProxy;
  let mysqlProxy: TcpProxy;
  let direct: Redis;
  let seq = 0;

  beforeAll(async () => {
    redisProxy = await startTcpProxy({ target: { host: servers.redis.host, port: servers.redis.port } });
    mysqlProxy = await startTcpProxy({ target: { host: servers.mariadb.host, port: servers.mariadb.port } });
    sys = await startTestSystem('servers', {
      'cache.redis.url': `redis://127.0.0.1:${redisProxy.port}`,
      'database.mysql.port': mysqlProxy.port,
      'database.mysql.connectTimeoutMs': 1000,
      'cache.localTtlMs': 1000,
      'limits.loginPerIp.quota': 1000,
    });
    direct = new Redis({ host: servers.redis.host, port: servers.redis.port, lazyConnect: true });
    await direct.connect();
  });
  afterAll(async () => {
    await sys?.stop();
    await redisProxy?.close();
    await mysqlProxy?.close();
    direct?.disconnect();
  });

  const req = async (method: 'GET' | 'POST', url: string, body?: unknown) => {
    const res = await sys.app.inject({ method, url, payload: body as object });
    return { status: res.statusCode, body: JSON.parse(res.body || 'null') };
  };
  const register = async () => (await req('POST', '/api/v1/users/register', { username: `fault${Date.now().toString(36)}${seq++}`, password: 'secret123' })).body.id as number;
  const cacheKey = (id: number) => `${sys.config.cache.redis.keyPrefix}cache:user:id:${id}`;

  it('Redis unreachable: reads keep answering from the database, /healthz names redis; Redis back: the cache is used again', async () => {
    const ids = [await register(), await register(), await register()];
    expect((await req('GET', `/api/v1/users/${ids[0]}`)).status).toBe(200);
    expect(await direct.exists(cacheKey(ids[0]!))).toBe(1);

    redisProxy.cut();
    // A cold key (never read) has to come from the database, through the fallback limiter.
    const started = Date.now();
    const cold = await req('GET', `/api/v1/users/${ids[1]}`);
    expect(cold.status).toBe(200);
    expect(cold.body.id).toBe(ids[1]);
    expect(Date.now() - started).toBeLessThan(3000);
    const health = await req('GET', '/healthz');
    expect(health.status).toBe(503);
    expect(health.body.message).toMatch(/redis/);
    expect(health.body.checks.redis).not.toBe('ok');
    expect(health.body.checks.database).toBe('ok');
    // Writes keep working too: the rate limiters fall back to in-process counting.
    expect(await register()).toBeGreaterThan(0);

    redisProxy.restore();
    const healthy = await eventually(() => req('GET', '/healthz'), (r) => r.status === 200);
    expect(healthy.status).toBe(200);
    // The cache is used again without a restart: a read now writes its row to Redis.
    await direct.del(cacheKey(ids[2]!));
    const back = await eventually(
      async () => {
        await req('GET', `/api/v1/users/${ids[2]}`);
        return direct.exists(cacheKey(ids[2]!));
      },
      (n) => n === 1,
    );
    expect(back).toBe(1);
  });

  it('MariaDB unreachable: requests fail fast with a clear 503, then recover without a restart', async () => {
    const known = await register();
    mysqlProxy.cut();
    const t0 = Date.now();
    const reg = await req('POST', '/api/v1/users/register', { username: `down${Date.now().toString(36)}`, password: 'secret123' });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(reg.status).toBe(503);
    expect(reg.body).toMatchObject({ code: 50301 });
    expect(reg.body.message).toMatch(/database/);
    expect(JSON.stringify(reg.body)).not.toMatch(/ECONNRESET|PROTOCOL|mysql|stack/i);
    const health = await req('GET', '/healthz');
    expect(health.status).toBe(503);
    expect(health.body.checks.database).not.toBe('ok');

    mysqlProxy.restore();
    const after = await eventually(() => req('POST', '/api/v1/users/register', { username: `up${Date.now().toString(36)}${seq++}`, password: 'secret123' }), (r) => r.status === 201);
    expect(after.status).toBe(201);
    expect((await req('GET', `/api/v1/users/${known}`)).status).toBe(200);
    expect((await eventually(() => req('GET', '/healthz'), (r) => r.status === 200)).status).toBe(200);
  });
});
