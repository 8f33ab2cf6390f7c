import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, isEmbedded, loadConfig } from './index.js';

const tmp = mkdtempSync(join(tmpdir(), 'surge-config-'));
const file = (name: string, text: string) => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};

describe('config', () => {
  it('defaults to embedded mode on port 8080 with data under ./data', () => {
    const c = loadConfig({ env: {} });
    expect(c.http.port).toBe(8080);
    expect(c.dataDir).toBe('./data');
    expect(isEmbedded(c)).toBe(true);
    expect(Object.isFrozen(c.http)).toBe(true);
  });

  it('takes PORT, SURGE_DATA and any key by path from the environment, converting types', () => {
    const c = loadConfig({ env: { PORT: '9090', SURGE_DATA: '/tmp/x', SURGE__cache__ttlSeconds: '42', SURGE__queue__nats__servers: '["nats://a:4222"]' } });
    expect(c.http.port).toBe(9090);
    expect(c.dataDir).toBe('/tmp/x');
    expect(c.cache.ttlSeconds).toBe(42);
    expect(c.queue.nats.servers).toEqual(['nats://a:4222']);
  });

  it('takes community.pushLimit, the name the community documents use, as feed.pushLimit', () => {
    const feed = (c: ReturnType<typeof loadConfig>) => (c as unknown as { feed: { pushLimit: number } }).feed;
    expect(feed(loadConfig({ env: { SURGE__community__pushLimit: '300' } })).pushLimit).toBe(300);
    expect(feed(loadConfig({ env: { SURGE__feed__pushLimit: '200' } })).pushLimit).toBe(200);
    expect(feed(loadConfig({ env: { SURGE__community__pushLimit: '200', SURGE__feed__pushLimit: '200' } })).pushLimit).toBe(200);
    expect(() => loadConfig({ env: { SURGE__community__pushLimit: '100', SURGE__feed__pushLimit: '200' } })).toThrow(/community\.pushLimit \(100\) and feed\.pushLimit \(200\)/);
    expect(() => loadConfig({ env: { SURGE__community__pushLimit: '-1' } })).toThrow(/feed\.pushLimit/);
    expect(loadConfig({ env: {} }).community.pageCacheMs).toBe(1000);
  });

  it.each([
    [{ PORT: 'abc' }, /http\.port: must be integer/],
    [{ PORT: '70000' }, /http\.port/],
    [{ SURGE__database__driver: 'postgres' }, /database\.driver/],
    [{ SURGE__cache__redis__nope: 'x' }, /cache\.redis: unknown key nope/],
    [{ SURGE_JWT_SECRET: 'short' }, /auth\.jwtSecret/],
    [{ SURGE_FIELD_KEY: 'not-base64-32-bytes' }, /auth\.fieldKey: must be 32 random bytes/],
    [{ SURGE__douyin__timeZone: 'Mars/Olympus' }, /douyin\.timeZone: "Mars\/Olympus" is not an IANA time zone/],
    [{ SURGE__douyin__publicBaseUrl: 'example.com' }, /douyin\.publicBaseUrl/],
  ])('a bad value stops with a message naming the key (%o)', (env, message) => {
    expect(() => loadConfig({ env })).toThrow(ConfigError);
    expect(() => loadConfig({ env })).toThrow(message);
  });

  it('reads a YAML file and names its bad keys', () => {
    const good = file('good.yaml', 'http:\n  port: 8181\ndatabase:\n  driver: sqlite\n');
    expect(loadConfig({ env: { SURGE_CONFIG: good } }).http.port).toBe(8181);
    const bad = file('bad.yaml', 'ids:\n  workerId: 500\n');
    expect(() => loadConfig({ env: { SURGE_CONFIG: bad } })).toThrow(/ids\.workerId/);
    expect(() => loadConfig({ env: { SURGE_CONFIG: join(tmp, 'missing.yaml') } })).toThrow(/cannot be read/);
  });

  it('outside embedded mode, refuses to start without secrets, naming the key and how to set it', () => {
    const servers = { SURGE__cache__driver: 'redis' };
    expect(() => loadConfig({ env: servers })).toThrow(/auth\.jwtSecret: not set; .*set SURGE_JWT_SECRET \(e\.g\. "\$\(openssl rand -base64 48\)"\)/);
    expect(() => loadConfig({ env: servers })).toThrow(/auth\.fieldKey: not set; .*set SURGE_FIELD_KEY/);
    expect(() => loadConfig({ env: { ...servers, SURGE_JWT_SECRET: 'x'.repeat(40) } })).toThrow(/auth\.fieldKey: not set/);
    const c = loadConfig({ env: { ...servers, SURGE_JWT_SECRET: 'x'.repeat(40), SURGE_FIELD_KEY: Buffer.alloc(32, 7).toString('base64') } });
    expect(isEmbedded(c)).toBe(false);
    // Tools that never sign (surge ps) may load it without.
    expect(loadConfig({ env: servers, secretsUnused: true }).auth.jwtSecret).toBe('');
  });

  it.each([
    ['a short JWT secret', { SURGE_JWT_SECRET: 'y'.repeat(31) }, /auth\.jwtSecret: must be at least 32 characters/],
    ["the Kubernetes example's placeholder", { SURGE_JWT_SECRET: 'replace-with-48-random-bytes-in-base64-xxxxxxxxxxxxxxxxxxxx' }, /auth\.jwtSecret: is an example's placeholder/],
    ['a field key that says change me', { SURGE_FIELD_KEY: Buffer.from('my-field-key-CHANGE-ME-please!!!').toString('base64') }, /auth\.fieldKey: is an example's placeholder/],
    ['a short ops token', { SURGE_OPS_TOKEN: 'abc' }, /ops\.token: must be at least 32 characters/],
  ])('refuses %s in every mode', (_what, env, message) => {
    expect(() => loadConfig({ env })).toThrow(message);
    expect(() => loadConfig({ env: { ...env, SURGE__cache__driver: 'redis' } })).toThrow(message);
  });

  it('ops pages: a port of their own must not be the API port', () => {
    expect(() => loadConfig({ env: { PORT: '9000', SURGE__ops__port: '9000' } })).toThrow(/ops\.port: 9000 is also http\.port/);
    expect(loadConfig({ env: { PORT: '9000', SURGE__ops__port: '9001' } }).ops).toMatchObject({ port: 9001, host: '127.0.0.1', token: '' });
  });

  it("verification codes: the log sender only in embedded mode, 'auto' everywhere, a webhook needs its URL and a time limit below the RPC deadline", () => {
    const servers = { SURGE__cache__driver: 'redis', SURGE_JWT_SECRET: 'x'.repeat(40), SURGE_FIELD_KEY: Buffer.alloc(32, 7).toString('base64') };
    expect(loadConfig({ env: {} }).user.codeSender.driver).toBe('auto');
    expect(loadConfig({ env: { SURGE__user__codeSender__driver: 'log' } }).user.codeSender.driver).toBe('log');
    expect(loadConfig({ env: servers }).user.codeSender.driver).toBe('auto');
    expect(() => loadConfig({ env: { ...servers, SURGE__user__codeSender__driver: 'log' } })).toThrow(/user\.codeSender\.driver: 'log' is for embedded mode only/);
    expect(() => loadConfig({ env: { ...servers, SURGE__user__codeSender__driver: 'webhook' } })).toThrow(/user\.codeSender\.webhook\.url: required/);
    expect(() => loadConfig({ env: { ...servers, SURGE__user__codeSender__driver: 'webhook', SURGE__user__codeSender__webhook__url: 'sms.example.com' } })).toThrow(/user\.codeSender\.webhook\.url/);
    const hook = { ...servers, SURGE__user__codeSender__driver: 'webhook', SURGE__user__codeSender__webhook__url: 'https://sms.example.com/send' };
    expect(loadConfig({ env: hook }).user.codeSender.webhook).toMatchObject({ url: 'https://sms.example.com/send', timeoutMs: 1500 });
    expect(() => loadConfig({ env: { ...hook, SURGE__user__codeSender__webhook__timeoutMs: '2000' } })).toThrow(/timeoutMs: 2000 ms must be below rpc\.timeoutMs \(2000 ms\)/);
  });
});
