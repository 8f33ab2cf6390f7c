import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { Code, SurgeError } from '#kit/errors';
import { installCors, resolveCorsOptions, type CorsOptions } from './cors.js';
import { installErrorHandling } from './errors.js';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example';

let app: FastifyInstance | undefined;
afterEach(() => app?.close());

async function gateway(options: CorsOptions): Promise<FastifyInstance> {
  app = Fastify();
  installErrorHandling(app);
  await installCors(app, options);
  app.get('/things', async () => ({ ok: true }));
  app.patch('/things', async () => ({ ok: true }));
  await app.ready();
  return app;
}

const corsHeaders = (res: LightMyRequestResponse) => Object.keys(res.headers).filter((h) => h.startsWith('access-control-'));
const preflight = (a: FastifyInstance, origin: string) =>
  a.inject({ method: 'OPTIONS', url: '/things', headers: { origin, 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization, content-type' } });

describe('CORS', () => {
  it('with no origins configured (the default) adds no CORS header and answers no preflight', async () => {
    const a = await gateway({});
    const get = await a.inject({ url: '/things', headers: { origin: APP } });
    expect(get.statusCode).toBe(200);
    expect(corsHeaders(get)).toEqual([]);
    const pre = await preflight(a, APP);
    expect(pre.statusCode).toBe(404);
    expect(corsHeaders(pre)).toEqual([]);
  });

  it('answers a listed origin: the origin reflected, Vary: Origin, no credentials by default', async () => {
    const a = await gateway({ origins: [APP, 'http://localhost:5173'] });
    const get = await a.inject({ url: '/things', headers: { origin: APP } });
    expect(get.statusCode).toBe(200);
    expect(get.headers['access-control-allow-origin']).toBe(APP);
    expect(get.headers['access-control-expose-headers']).toBe('Retry-After');
    expect(String(get.headers.vary)).toMatch(/origin/i);
    expect(get.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('answers a listed origin\'s preflight with 204, the methods, the asked headers and the max age', async () => {
    const a = await gateway({ origins: [APP] });
    const pre = await preflight(a, APP);
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(APP);
    expect(String(pre.headers['access-control-allow-methods']).split(', ')).toContain('PATCH');
    expect(pre.headers['access-control-allow-headers']).toBe('authorization, content-type');
    expect(pre.headers['access-control-max-age']).toBe('600');
  });

  it('gives an origin not listed no CORS header, and its preflight a 404 in Surge\'s shape', async () => {
    const a = await gateway({ origins: [APP] });
    for (const origin of [EVIL, 'https://app.example.com.evil.example', 'http://app.example.com', 'null']) {
      const get = await a.inject({ url: '/things', headers: { origin } });
      expect(get.statusCode).toBe(200);
      expect(corsHeaders(get)).toEqual([]);
      const pre = await preflight(a, origin);
      expect(pre.statusCode).toBe(404);
      expect(pre.json().code).toBe(Code.NotFound);
      expect(corsHeaders(pre)).toEqual([]);
    }
  });

  it('keeps the CORS headers on error replies, so a page can read the error', async () => {
    const a = await gateway({ origins: [APP] });
    const res = await a.inject({ url: '/nothing-here', headers: { origin: APP } });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe(Code.NotFound);
    expect(res.headers['access-control-allow-origin']).toBe(APP);
  });

  it('sends Allow-Credentials only when turned on', async () => {
    const a = await gateway({ origins: [APP], credentials: true });
    const get = await a.inject({ url: '/things', headers: { origin: APP } });
    expect(get.headers['access-control-allow-credentials']).toBe('true');
  });

  it("with '*' allows any origin without credentials", async () => {
    const a = await gateway({ origins: ['*'] });
    const get = await a.inject({ url: '/things', headers: { origin: EVIL } });
    expect(get.headers['access-control-allow-origin']).toBe('*');
    expect(get.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it.each([
    ['a trailing slash', ['https://app.example.com/']],
    ['a path', ['https://app.example.com/app']],
    ['upper case', ['https://App.example.com']],
    ['a default port', ['https://app.example.com:443']],
    ['no scheme', ['app.example.com']],
    ['another scheme', ['ftp://app.example.com']],
    ["'*' beside others", ['*', APP]],
  ])('refuses an origin with %s at start, naming the key', async (_what, origins) => {
    const err = (() => {
      try {
        resolveCorsOptions({ origins });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(SurgeError);
    expect((err as SurgeError).code).toBe(Code.InvalidArgument);
    expect((err as SurgeError).message).toMatch(/^http\.cors\.origins: /);
  });

  it("refuses '*' with credentials and a bad max age", () => {
    expect(() => resolveCorsOptions({ origins: ['*'], credentials: true })).toThrow(/credentials/);
    expect(() => resolveCorsOptions({ origins: [APP], maxAgeSeconds: -1 })).toThrow(/http\.cors\.maxAgeSeconds/);
  });
});
