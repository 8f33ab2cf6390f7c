// The gateway is composed of faces (gateway/faces.ts), and http.faces picks which a process
// serves. A throwaway face defined here is mounted beside the real ones and served through the
// shared plumbing (auth, errors); a users-only gateway answers 404 under /douyin/ and needs, and
// reports on, the user service alone; an unknown face name stops the start.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, startSystem, type System } from '#app';
import { defineFace, gatewayFaces } from '#gateway';
import { createLogger } from '#kit/observability';
import { UserServiceDefinition } from '#gen/surge/user/v1/user';
import { userModule } from '#services/user';
import { startGatewayProcess } from '../app/roles/gateway-process.js';

const silent = () => createLogger({ level: 'silent' });
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const configWith = (overrides: Record<string, unknown>) => {
  const dir = mkdtempSync(join(tmpdir(), 'surge-faces-'));
  dirs.push(dir);
  return loadConfig({ env: {}, overrides: { dataDir: dir, 'log.level': 'silent', 'http.port': 0, 'http.host': '127.0.0.1', 'auth.passwordCost': 10, ...overrides } });
};

/** Greets a user by name: calls the user service through the client it declared, behind the gateway's auth. */
const greeterFace = defineFace({
  name: 'greeter',
  prefix: '/greet',
  calls: { people: UserServiceDefinition },
  mount: async (app, d) => {
    app.get('/greet/me', { preHandler: app.authenticate }, async (request) => {
      const user = await d.clients.people.getUser({ id: request.userId });
      return { greeting: `hello, ${user.username}` };
    });
  },
});

const register = async (system: System, username: string) => {
  const res = await system.app.inject({ method: 'POST', url: '/api/v1/users/register', payload: { username, password: 'a-good-password' } });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: number; token: string };
};

describe('a face defined outside the gateway', () => {
  let system: System;
  beforeAll(async () => {
    system = await startSystem(configWith({}), { logger: silent(), listen: false, faces: [...gatewayFaces, greeterFace] });
  });
  afterAll(() => system?.close());

  it('is mounted with every face by default and served through the shared auth and error handling', async () => {
    const { token } = await register(system, 'greeted');
    const greeted = await system.app.inject({ method: 'GET', url: '/greet/me', headers: { authorization: `Bearer ${token}` } });
    expect(greeted.statusCode).toBe(200);
    expect(greeted.json()).toEqual({ greeting: 'hello, greeted' });
    const anonymous = await system.app.inject({ method: 'GET', url: '/greet/me' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ code: 40101, message: expect.stringContaining('Authorization') });
    // The real faces are still there.
    expect((await system.app.inject({ method: 'GET', url: '/douyin/feed/' })).statusCode).toBe(200);
  });
});

describe('http.faces: [users]', () => {
  let system: System;
  beforeAll(async () => {
    // Only the user service is hosted: the users face calls nothing else.
    system = await startSystem(configWith({ 'http.faces': ['users'] }), { logger: silent(), listen: false, modules: [userModule] });
  });
  afterAll(() => system?.close());

  it('serves the user API, answers 404 under /douyin/, and is healthy with only the user service', async () => {
    await register(system, 'onlyusers');
    for (const url of ['/douyin/feed/', '/douyin/user/?user_id=1', '/douyin/blob/x.mp4']) {
      expect((await system.app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    }
    const health = await system.app.inject({ method: 'GET', url: '/healthz', remoteAddress: '127.0.0.1' });
    expect(health.statusCode).toBe(200);
  });

  it('the gateway process connects to, and reports on, the user service and no other', async () => {
    // Embedded: its registry is its own and empty, so the one service it needs has no instance.
    const gateway = await startGatewayProcess(configWith({ 'http.faces': ['users'] }), { logger: silent() });
    try {
      const health = await fetch(`${gateway.url}/healthz`);
      const names = Object.keys(((await health.json()) as { checks: Record<string, unknown> }).checks);
      expect(names.filter((name) => name.endsWith(' service'))).toEqual(['user service']);
      expect((await fetch(`${gateway.url}/douyin/feed/`)).status).toBe(404);
    } finally {
      await gateway.close();
    }
  });
});

it('an unknown face name stops the start, naming it', async () => {
  const config = configWith({ 'http.faces': ['users', 'shop'] });
  const refused = (p: Promise<{ close(): Promise<void> }>) => p.then(async (started) => (await started.close(), undefined), (err: unknown) => err);
  for (const err of [await refused(startSystem(config, { logger: silent(), listen: false })), await refused(startGatewayProcess(config, { logger: silent() }))]) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/http\.faces.*"shop"/);
  }
});
