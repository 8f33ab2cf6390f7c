// http.cors.* reaches the gateway the system starts: a listed origin's preflight of a real route
// is answered, another origin's is not, and a badly written origin stops the start.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig, startSystem } from '#app';
import { Code, SurgeError } from '#kit/errors';
import { createLogger } from '#kit/observability';
import { startTestSystem, type TestSystem } from './harness.js';

const APP = 'https://app.example.com';
let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem('embedded', { 'http.cors.origins': [APP] });
});
afterAll(() => system?.stop());

const preflight = (origin: string) =>
  fetch(`${system.url}/api/v1/users/login`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });

it('answers a configured origin\'s preflight of a real route, and not another\'s', async () => {
  const ok = await preflight(APP);
  expect(ok.status).toBe(204);
  expect(ok.headers.get('access-control-allow-origin')).toBe(APP);
  expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
  const other = await preflight('https://evil.example');
  expect(other.status).toBe(404);
  expect(other.headers.get('access-control-allow-origin')).toBeNull();
  const login = await fetch(`${system.url}/api/v1/users/login`, { method: 'POST', headers: { origin: APP, 'content-type': 'application/json' }, body: JSON.stringify({ username: 'nobody', password: 'wrong-password' }) });
  expect(login.status).toBe(401);
  expect(login.headers.get('access-control-allow-origin')).toBe(APP);
});

it('refuses to start with an origin written with a path', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'surge-cors-'));
  try {
    const config = loadConfig({ env: {}, overrides: { dataDir: dir, 'log.level': 'silent', 'http.port': 0, 'http.host': '127.0.0.1', 'http.cors.origins': [`${APP}/`] } });
    const err = await startSystem(config, { logger: createLogger({ level: 'silent' }), listen: false }).then(
      async (s) => (await s.close(), undefined),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SurgeError);
    expect((err as SurgeError).code).toBe(Code.InvalidArgument);
    expect((err as SurgeError).message).toMatch(/^http\.cors\.origins: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
