import { Agent, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable, Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { Code, errors } from '#kit/errors';
import { installErrorHandling } from '../../plugins/errors.js';
import { douyinPlugin, okJson, type DouyinRouteOptions } from './index.js';
import { multipart } from './testing/multipart.js';

const FORM_LIMIT = 1024;
const ECHO_EMPTY = { a: '', b: '', c: '' };

interface Built {
  app: FastifyInstance;
  logs: string[];
}

let current: FastifyInstance | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

/** A bare gateway-like app: the /api/v1 JSON conventions at the root, the Douyin ones under /douyin. */
async function build(extra: DouyinRouteOptions[] = [], parentHook?: (url: string) => void): Promise<Built> {
  const logs: string[] = [];
  const stream = new Writable({ write: (chunk, _enc, done) => (logs.push(String(chunk)), done()) });
  const app = Fastify({ logger: { level: 'info', stream }, requestIdHeader: 'x-request-id' });
  installErrorHandling(app);
  if (parentHook) app.addHook('preHandler', async (request) => parentHook(request.url));
  app.post('/api/v1/echo', async (request) => ({ body: request.body }));
  await app.register(async (scope) => {
    const douyin = douyinPlugin(scope, { formLimitBytes: FORM_LIMIT });
    douyin.route({ url: '/echo/', empty: ECHO_EMPTY, handler: async (p) => ({ a: p.get('a') ?? '', b: p.get('b') ?? '', c: p.get('c') ?? '' }) });
    for (const r of extra) douyin.route(r);
  }, { prefix: '/douyin' });
  await app.ready();
  current = app;
  return { app, logs };
}

function call(port: number, agent: Agent, method: string, path: string, headers: Record<string, string>, body: string | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent }, async (res) => {
      let text = '';
      for await (const c of res) text += String(c);
      resolve(text);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const URLENCODED = 'application/x-www-form-urlencoded';

describe('Douyin parameters', () => {
  it('reads parameters from the query, a url-encoded, a multipart and a JSON body, on GET and on POST', async () => {
    const { app } = await build();
    const mp = multipart([{ name: 'a', value: '1' }, { name: 'b', value: 'two words' }]);
    const sends = [
      { url: '/douyin/echo/?a=1&b=two%20words' },
      { url: '/douyin/echo/', headers: { 'content-type': URLENCODED }, payload: form({ a: '1', b: 'two words' }) },
      { url: '/douyin/echo/', headers: { 'content-type': mp.contentType }, payload: mp.body },
      { url: '/douyin/echo/', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ a: 1, b: 'two words', c: null }) },
    ];
    for (const method of ['GET', 'POST'] as const) {
      for (const send of sends) {
        const res = await app.inject({ method, ...send });
        expect(res.statusCode, `${method} ${JSON.stringify(send)}`).toBe(200);
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(res.json(), `${method} ${JSON.stringify(send)}`).toEqual({ status_code: 0, status_msg: 'ok', a: '1', b: 'two words', c: '' });
      }
    }
  });

  it('reads a form body sent with GET over a real socket, keeping the connection for the next request', async () => {
    const { app } = await build();
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const payload = form({ a: '1', b: '二' });
      const first = await call(port, agent, 'GET', '/douyin/echo/?c=q', { 'content-type': URLENCODED, 'content-length': String(Buffer.byteLength(payload)) }, payload);
      expect(JSON.parse(first)).toEqual({ status_code: 0, status_msg: 'ok', a: '1', b: '二', c: 'q' });
      const second = await call(port, agent, 'GET', '/douyin/echo/?a=again', {}, undefined);
      expect(JSON.parse(second)).toMatchObject({ a: 'again' });
    } finally {
      agent.destroy();
    }
  });

  it('lets the body win over the query for a name in both, and merges the rest', async () => {
    const { app } = await build();
    const mp = multipart([{ name: 'a', value: 'body' }]);
    for (const [type, payload] of [[URLENCODED, form({ a: 'body' })], [mp.contentType, mp.body], ['application/json', '{"a":"body"}']] as const) {
      const res = await app.inject({ method: 'GET', url: '/douyin/echo/?a=query&b=query', headers: { 'content-type': type }, payload });
      expect(res.json(), type).toMatchObject({ status_code: 0, a: 'body', b: 'query' });
    }
    // Present but empty in the body still wins.
    const res = await app.inject({ method: 'POST', url: '/douyin/echo/?a=query', headers: { 'content-type': URLENCODED }, payload: 'a=' });
    expect(res.json()).toMatchObject({ a: '' });
  });

  it('counts the first value of a repeated name', async () => {
    const { app } = await build();
    expect((await app.inject({ url: '/douyin/echo/?a=1&a=2' })).json()).toMatchObject({ a: '1' });
    const res = await app.inject({ method: 'POST', url: '/douyin/echo/', headers: { 'content-type': URLENCODED }, payload: 'a=1&a=2' });
    expect(res.json()).toMatchObject({ a: '1' });
  });

  it('reads a chunked body of unknown length', async () => {
    const { app } = await build();
    const res = await app.inject({ method: 'POST', url: '/douyin/echo/', headers: { 'content-type': URLENCODED, 'transfer-encoding': 'chunked' }, payload: Readable.from([Buffer.from('a=x'), Buffer.from('&b=y')]) });
    expect(res.json()).toMatchObject({ status_code: 0, a: 'x', b: 'y' });
  });

  it('answers GET, POST and HEAD; other methods are not routes', async () => {
    const { app } = await build();
    expect((await app.inject({ method: 'GET', url: '/douyin/echo/?a=1' })).json()).toMatchObject({ a: '1' });
    expect((await app.inject({ method: 'POST', url: '/douyin/echo/?a=1' })).json()).toMatchObject({ a: '1' });
    const head = await app.inject({ method: 'HEAD', url: '/douyin/echo/?a=1' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
    expect((await app.inject({ method: 'PUT', url: '/douyin/echo/' })).json()).toMatchObject({ status_code: Code.NotFound });
  });
});

describe('Douyin bodies that are refused', () => {
  it('answers 41501 naming Content-Type for other body types, in the envelope', async () => {
    const { app } = await build();
    const cases = [
      { headers: { 'content-type': 'text/plain' }, payload: 'a=1', says: /Content-Type: "text\/plain" is not accepted/ },
      { headers: { 'content-type': 'application/xml' }, payload: '<a/>', says: /Content-Type: "application\/xml" is not accepted/ },
      { headers: {}, payload: 'a=1', says: /Content-Type: is missing/ },
      { headers: { 'content-type': '%%%' }, payload: 'a=1', says: /Content-Type/ },
    ];
    for (const method of ['GET', 'POST'] as const) {
      for (const c of cases) {
        const res = await app.inject({ method, url: '/douyin/echo/', headers: c.headers, payload: c.payload });
        expect(res.statusCode).toBe(200);
        const body = res.json();
        expect(body, `${method} ${JSON.stringify(c.headers)}`).toMatchObject({ status_code: Code.UnsupportedMediaType, ...ECHO_EMPTY });
        expect(body.status_msg).toMatch(c.says);
      }
    }
  });

  it('answers 41301 for a form body over the limit, known length or chunked, without reading on', async () => {
    const { app } = await build();
    const big = `a=${'x'.repeat(FORM_LIMIT)}`;
    const mp = multipart([{ name: 'a', value: 'x'.repeat(FORM_LIMIT) }]);
    const sends = [
      { headers: { 'content-type': URLENCODED }, payload: big },
      { headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ a: 'x'.repeat(FORM_LIMIT) }) },
      { headers: { 'content-type': mp.contentType }, payload: mp.body },
      { headers: { 'content-type': URLENCODED, 'transfer-encoding': 'chunked' }, payload: Readable.from([Buffer.from(big.slice(0, 600)), Buffer.from(big.slice(600))]) },
    ];
    for (const send of sends) {
      const res = await app.inject({ method: 'POST', url: '/douyin/echo/', ...send });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status_code: Code.PayloadTooLarge, status_msg: 'body: is larger than the limit of 1024 bytes', ...ECHO_EMPTY });
      expect(res.headers.connection).toBe('close');
    }
  });

  it('names the field of a bad JSON body', async () => {
    const { app } = await build();
    const cases: [string, string][] = [
      ['{"a":', 'body: is not valid JSON'],
      ['[1,2]', 'body: must be a JSON object of parameters'],
      ['"a"', 'body: must be a JSON object of parameters'],
      ['{"a":{"b":1}}', 'a: must be a string, number or boolean'],
      ['{"b":[1]}', 'b: must be a string, number or boolean'],
    ];
    for (const [payload, message] of cases) {
      const res = await app.inject({ method: 'POST', url: '/douyin/echo/', headers: { 'content-type': 'application/json' }, payload });
      expect(res.json(), payload).toEqual({ status_code: Code.InvalidArgument, status_msg: message, ...ECHO_EMPTY });
    }
  });

  it('refuses a file on a route that takes none, naming its field', async () => {
    const { app } = await build();
    const mp = multipart([{ name: 'a', value: '1' }, { name: 'data', filename: 'v.mp4', data: 'xyz' }]);
    const res = await app.inject({ method: 'POST', url: '/douyin/echo/', headers: { 'content-type': mp.contentType }, payload: mp.body });
    expect(res.json()).toMatchObject({ status_code: Code.InvalidArgument, status_msg: 'data: is a file, but this request takes no file' });
  });

  it('names a malformed multipart body', async () => {
    const { app } = await build();
    const mp = multipart([{ name: 'a', value: '1' }]);
    const cut = mp.body.subarray(0, mp.body.length - 10);
    const res = await app.inject({ method: 'POST', url: '/douyin/echo/', headers: { 'content-type': mp.contentType }, payload: cut });
    expect(res.json()).toMatchObject({ status_code: Code.InvalidArgument, status_msg: 'body: is not a well-formed multipart/form-data body' });
    const noBoundary = await app.inject({ method: 'POST', url: '/douyin/echo/', headers: { 'content-type': 'multipart/form-data' }, payload: mp.body });
    expect(noBoundary.json()).toMatchObject({ status_code: Code.InvalidArgument, status_msg: 'Content-Type: multipart/form-data needs a boundary parameter' });
  });
});

describe('Douyin replies', () => {
  const failing = (err: unknown): DouyinRouteOptions => ({ url: '/fail/', empty: { video_list: [], next_time: 0 }, handler: async () => { throw err; } });

  it('an error reply is the empty reply with status_code and status_msg first', async () => {
    const { app } = await build([failing(errors.invalid('latest_time', 'must be a time'))]);
    const res = await app.inject({ url: '/douyin/fail/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('{"status_code":40001,"status_msg":"latest_time: must be a time","video_list":[],"next_time":0}');
  });

  it('an unexpected error answers 50001 "internal error" and is logged with the request id', async () => {
    const { app, logs } = await build([failing(new Error('ER_NO_SUCH_TABLE: SELECT secret FROM videos'))]);
    const res = await app.inject({ url: '/douyin/fail/', headers: { 'x-request-id': 'fixed-id' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status_code: Code.Internal, status_msg: 'internal error', video_list: [], next_time: 0 });
    expect(res.body).not.toMatch(/SELECT|ER_NO_SUCH_TABLE|stack/);
    const line = logs.map((l) => JSON.parse(l) as { msg: string; reqId: string; err?: { message: string } }).find((l) => l.msg === 'request failed');
    expect(line?.err?.message).toContain('ER_NO_SUCH_TABLE');
    expect(line?.reqId).toBe('fixed-id');
  });

  it('a handler may return an object, a ready JSON string or a Buffer', async () => {
    const ready = okJson({ video_list: [1], next_time: 5 });
    const { app } = await build([
      { url: '/obj/', empty: { n: 0 }, handler: async () => ({ n: 1 }) },
      { url: '/none/', empty: {}, handler: async () => ({}) },
      { url: '/str/', empty: { video_list: [], next_time: 0 }, handler: async () => ready },
      { url: '/buf/', empty: { video_list: [], next_time: 0 }, handler: async () => Buffer.from(ready) },
    ]);
    expect((await app.inject({ url: '/douyin/obj/' })).body).toBe('{"status_code":0,"status_msg":"ok","n":1}');
    expect((await app.inject({ url: '/douyin/none/' })).body).toBe('{"status_code":0,"status_msg":"ok"}');
    for (const url of ['/douyin/str/', '/douyin/buf/']) {
      const res = await app.inject({ url });
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.body).toBe('{"status_code":0,"status_msg":"ok","video_list":[1],"next_time":5}');
    }
  });

  it('an error from a hook of the parent (a rate limit) gets the envelope with the empty reply and Retry-After', async () => {
    const { app } = await build([], (url) => {
      if (url.includes('limited')) throw errors.rateLimited(3, 'too many likes');
    });
    const res = await app.inject({ url: '/douyin/echo/?limited=1' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['retry-after']).toBe('3');
    expect(res.json()).toEqual({ status_code: Code.RateLimited, status_msg: 'too many likes: retry in 3 s', ...ECHO_EMPTY });
  });

  it('unknown Douyin paths answer 404 with the envelope', async () => {
    const { app } = await build();
    for (const method of ['GET', 'POST'] as const) {
      const res = await app.inject({ method, url: '/douyin/nothing/here?token=secret' });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ status_code: Code.NotFound, status_msg: `no route ${method} /douyin/nothing/here` });
    }
  });

  it('leaves the JSON API beside it as it was: JSON bodies, its own 415 and 404', async () => {
    const { app } = await build();
    const ok = await app.inject({ method: 'POST', url: '/api/v1/echo', headers: { 'content-type': 'application/json' }, payload: '{"x":1}' });
    expect(ok.json()).toEqual({ body: { x: 1 } });
    const form415 = await app.inject({ method: 'POST', url: '/api/v1/echo', headers: { 'content-type': URLENCODED }, payload: 'x=1' });
    expect(form415.statusCode).toBe(415);
    expect(form415.json()).toMatchObject({ code: Code.UnsupportedMediaType });
    const missing = await app.inject({ url: '/api/v1/nothing' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: Code.NotFound });
  });
});

describe('Douyin setup', () => {
  it('checks route options when a route is added', async () => {
    const app = Fastify();
    const problems: string[] = [];
    await app.register(async (scope) => {
      const douyin = douyinPlugin(scope, { formLimitBytes: 10 });
      const bad: unknown[] = [
        { url: 'feed', empty: {}, handler: async () => ({}) },
        { url: '/feed', empty: {}, handler: 'x' },
        { url: '/feed', empty: [], handler: async () => ({}) },
        { url: '/feed', empty: { status_code: 0 }, handler: async () => ({}) },
        { url: '/feed', empty: {}, handler: async () => ({}), upload: { field: 'data', maxBytes: 0, sink: async () => ({ key: 'k', size: 0 }) } },
        { url: '/feed', empty: {}, handler: async () => ({}), upload: { field: 'data', maxBytes: 10 } },
      ];
      for (const r of bad) {
        try {
          douyin.route(r as DouyinRouteOptions);
        } catch (err) {
          problems.push((err as Error).message);
        }
      }
    }, { prefix: '/douyin' });
    await app.ready();
    expect(problems).toHaveLength(6);
    expect(problems.map((m) => m.split(':')[0])).toEqual(['url', 'handler', 'empty', 'empty', 'upload.maxBytes', 'upload.sink']);
    await app.close();
  });

  it('requires a token verifier before a route may take a file, and checks the file check', async () => {
    const app = Fastify();
    const problems: string[] = [];
    const sink = async () => ({ key: 'k', size: 0 });
    const tokens = { verify: () => ({ sub: 1 }) };
    const attempts: ((scope: FastifyInstance) => void)[] = [
      (scope) => douyinPlugin(scope, { formLimitBytes: 10 }).route({ url: '/a', empty: {}, handler: async () => ({}), upload: { field: 'data', maxBytes: 10, sink } }),
      (scope) => douyinPlugin(scope, { formLimitBytes: 10, uploads: { tokens: {} as never } }),
      (scope) => douyinPlugin(scope, { formLimitBytes: 10, uploads: { tokens, gate: {} as never } }),
      (scope) => douyinPlugin(scope, { formLimitBytes: 10, uploads: { tokens } }).route({ url: '/b', empty: {}, handler: async () => ({}), upload: { field: 'data', maxBytes: 10, sink, check: { headBytes: 0, check: () => undefined } } }),
      (scope) => douyinPlugin(scope, { formLimitBytes: 10, uploads: { tokens } }).route({ url: '/c', empty: {}, handler: async () => ({}), upload: { field: 'data', maxBytes: 10, sink, check: { headBytes: 8 } as never } }),
    ];
    for (const [i, attempt] of attempts.entries()) {
      await app.register(async (scope) => {
        try {
          attempt(scope);
        } catch (err) {
          problems.push((err as Error).message);
        }
      }, { prefix: `/douyin${i}` });
    }
    await app.ready();
    expect(problems.map((m) => m.split(':')[0])).toEqual(['uploads', 'uploads.tokens', 'uploads.gate', 'upload.check', 'upload.check']);
    await app.close();
  });

  it('requires a prefixed scope and a positive form limit', async () => {
    const app = Fastify();
    expect(() => douyinPlugin(app, { formLimitBytes: 10 })).toThrow(/prefix/);
    const seen: string[] = [];
    await app.register(async (scope) => {
      try {
        douyinPlugin(scope, { formLimitBytes: 0 });
      } catch (err) {
        seen.push((err as Error).message);
      }
    }, { prefix: '/douyin' });
    await app.ready();
    expect(seen[0]).toMatch(/^formLimitBytes:/);
    await app.close();
  });
});
