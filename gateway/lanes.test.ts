// The lanes ahead of Fastify: which handler serves a request, and what a lane's answer carries
// (the plumbing's headers, Surge's error shape, the metrics and the access-log line).
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Code, SurgeError } from '#kit/errors';
import type { AccessEntry } from '#kit/observability';
import { createLanes, createRequestIds, type Lane, type LaneExchange } from './lanes.js';
import { createTurnQueue } from './plugins/turn-writes.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

function start(answer: (ex: LaneExchange) => void, o: { batch?: boolean } = {}) {
  const observed: unknown[][] = [];
  const lines: AccessEntry[] = [];
  const logged: unknown[] = [];
  const lanes = createLanes({
    metrics: { observeHttp: (...args: unknown[]) => void observed.push(args) } as never,
    accessLog: (e) => void lines.push(e),
    logger: { error: (obj: unknown) => void logged.push(obj) } as never,
    nextRequestId: createRequestIds(),
    turns: o.batch ? createTurnQueue() : undefined,
  });
  const lane: Lane = {
    method: 'POST',
    route: '/things/:id',
    take(req, open) {
      if (!req.url?.startsWith('/things/')) return false;
      answer(open(Number(req.headers['x-user'] ?? 0)));
      return true;
    },
  };
  lanes.add(lane);
  server = createServer((req, res) => lanes.serve(req, res, (_q, r) => r.writeHead(299).end('fastify')));
  return new Promise<{ url: string; observed: unknown[][]; lines: AccessEntry[]; logged: unknown[]; close: () => void }>((resolve) =>
    server!.listen(0, '127.0.0.1', () => {
      const { port } = server!.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${port}`, observed, lines, logged, close: () => lanes.close() });
    }),
  );
}

describe('lanes', () => {
  it("a lane's success: its JSON with nosniff and a request id; the route's metrics and one access-log line", async () => {
    const s = await start((ex) => ex.ok(202, '{"ok":true}'));
    const res = await fetch(`${s.url}/things/1`, { method: 'POST', headers: { 'x-user': '9' } });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ ok: true });
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-request-id')).toMatch(/^req-[0-9a-z]+$/);
    expect(s.observed).toEqual([['POST', '/things/:id', 202, expect.any(Number)]]);
    expect(s.lines).toEqual([expect.objectContaining({ method: 'POST', route: '/things/:id', url: '/things/1', status: 202, user: 9, reqId: res.headers.get('x-request-id') })]);
  });

  it("keeps the caller's x-request-id and passes it in the RPC metadata, with its trace headers", async () => {
    let metadata: Record<string, string> = {};
    const s = await start((ex) => {
      metadata = ex.metadata();
      ex.ok(200, '{}');
    });
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const res = await fetch(`${s.url}/things/1`, { method: 'POST', headers: { 'x-request-id': 'abc-1', traceparent } });
    expect(res.headers.get('x-request-id')).toBe('abc-1');
    expect(metadata).toEqual({ 'x-request-id': 'abc-1', traceparent });
    expect(s.lines[0]!.reqId).toBe('abc-1');
  });

  it('a refusal in Surge’s shape with its status and Retry-After', async () => {
    const s = await start((ex) => ex.fail(new SurgeError(Code.RateLimited, 'too many buys', { details: { retryAfter: 2 } })));
    const res = await fetch(`${s.url}/things/1`, { method: 'POST' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(await res.json()).toEqual({ code: Code.RateLimited, message: 'too many buys', details: { retryAfter: 2 } });
  });

  it('an unknown error: 500 Internal with nothing of it shown, and logged', async () => {
    const s = await start((ex) => ex.fail(new Error('connect ECONNREFUSED 10.0.0.7:3306 password=hunter2')));
    const res = await fetch(`${s.url}/things/1`, { method: 'POST' });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('ECONNREFUSED');
    expect(text).not.toContain('hunter2');
    expect(JSON.parse(text)).toEqual({ code: Code.Internal, message: 'internal error' });
    expect(s.logged).toEqual([expect.objectContaining({ err: expect.any(Error) })]);
  });

  it('a second answer is refused, the first stands', async () => {
    let second: unknown;
    const s = await start((ex) => {
      ex.ok(200, '{"first":true}');
      try {
        ex.ok(200, '{"second":true}');
      } catch (err) {
        second = err;
      }
    });
    const res = await fetch(`${s.url}/things/1`, { method: 'POST' });
    expect(await res.json()).toEqual({ first: true });
    expect(second).toBeInstanceOf(Error);
    expect(s.lines).toHaveLength(1);
  });

  it('with replies batched, a lane answer waits for the end of the turn', async () => {
    let answeredInTurn = true;
    const s = await start(
      (ex) => {
        ex.ok(200, '{}');
        // Nothing is written until the turn ends: the access log is written with the reply.
        answeredInTurn = s.lines.length > 0;
      },
      { batch: true },
    );
    const res = await fetch(`${s.url}/things/1`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(answeredInTurn).toBe(false);
    expect(s.lines).toHaveLength(1);
  });

  it('requests no lane takes, and every request once closed, go to Fastify', async () => {
    const s = await start((ex) => ex.ok(200, '{}'));
    expect((await fetch(`${s.url}/other`, { method: 'POST' })).status).toBe(299);
    expect((await fetch(`${s.url}/things/1`, { method: 'GET' })).status).toBe(299);
    s.close();
    expect((await fetch(`${s.url}/things/1`, { method: 'POST' })).status).toBe(299);
    expect(s.lines).toEqual([]);
  });

  it('request ids never repeat between the lanes and Fastify (one sequence)', () => {
    const next = createRequestIds();
    expect([next(), next(), next()]).toEqual(['req-1', 'req-2', 'req-3']);
  });
});
