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

  it('refuses the default JWT secret and field key outside embedded mode', () => {
    expect(() => loadConfig({ env: { SURGE__cache__driver: 'redis' } })).toThrow(/auth\.jwtSecret: the built-in development secret is refused/);
    expect(() => loadConfig({ env: { SURGE__cache__driver: 'redis', SURGE_JWT_SECRET: 'x'.repeat(40) } })).toThrow(/auth\.fieldKey/);
    const c = loadConfig({ env: { SURGE__cache__driver: 'redis', SURGE_JWT_SECRET: 'x'.repeat(40), SURGE_FIELD_KEY: Buffer.alloc(32, 7).toString('base64') } });
    expect(isEmbedded(c)).toBe(false);
  });
});
