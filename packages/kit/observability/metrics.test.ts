import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger, createMetrics } from './index.js';

describe('metrics', () => {
  it('counts HTTP requests, errors and latency per route, and RPC calls per method and code', async () => {
    const m = createMetrics({ defaultMetrics: false });
    m.observeHttp('GET', '/api/v1/users/:id', 200, 0.001);
    m.observeHttp('GET', '/api/v1/users/:id', 200, 0.002);
    m.observeHttp('GET', '/api/v1/users/:id', 503, 0.002);
    m.observe('server', 'surge.user.v1.UserService', 'GetUser', 0, 0.0001);
    m.observe('server', 'surge.user.v1.UserService', 'GetUser', 40401, 0.0001);
    const text = await m.render();
    expect(text).toContain('surge_http_request_duration_seconds_count{method="GET",route="/api/v1/users/:id",status="200"} 2');
    expect(text).toContain('surge_http_request_errors_total{method="GET",route="/api/v1/users/:id",status="503"} 1');
    expect(text).toContain('surge_rpc_duration_seconds_count{side="server",service="surge.user.v1.UserService",method="GetUser",code="0"} 1');
    expect(text).toContain('surge_rpc_errors_total{side="server",service="surge.user.v1.UserService",method="GetUser",code="40401"} 1');
    // Buckets are cumulative: 0.001 falls in le=0.001, 0.002 in le=0.0025 and above.
    const bucket = (le: string) => text.match(new RegExp(`surge_http_request_duration_seconds_bucket\\{method="GET",route="/api/v1/users/:id",status="200",le="${le.replace('+', '\\+')}"\\} (\\d+)`))?.[1];
    expect([bucket('0.0005'), bucket('0.001'), bucket('0.0025'), bucket('+Inf')]).toEqual(['0', '1', '2', '2']);
    expect(text).toMatch(/surge_http_request_duration_seconds_sum\{method="GET",route="\/api\/v1\/users\/:id",status="200"\} 0\.003/);
  });

  it('two registries do not share state', async () => {
    const a = createMetrics({ defaultMetrics: false });
    const b = createMetrics({ defaultMetrics: false });
    a.observeHttp('GET', '/x', 200, 0.1);
    expect(await b.render()).not.toContain('route="/x"');
  });
});

describe('logger', () => {
  it('writes JSON lines and redacts passwords and tokens', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _e, cb) { lines.push(String(chunk)); cb(); } });
    const log = createLogger({ destination: sink, name: 'test' });
    log.info({ password: 'hunter22', token: 'abc', user: 1 }, 'hello');
    const obj = JSON.parse(lines[0]!);
    expect(obj).toMatchObject({ msg: 'hello', name: 'test', user: 1, password: '[redacted]', token: '[redacted]' });
  });
});

describe('access log and lazy child', () => {
  it('writes one pino-shaped JSON line per request, escaping the URL', async () => {
    const { createAccessLog, lazyChild } = await import('./index.js');
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _e, cb) { lines.push(String(chunk)); cb(); } });
    const log = createLogger({ destination: sink, name: 'gw' });
    const access = createAccessLog(log);
    access({ reqId: 'req-1', method: 'GET', route: '/a/:id', url: '/a/1?q="x"', status: 200, ms: 1.5, user: 7 });
    access({ reqId: 'req-1b', method: 'GET', route: '/a/:id', url: '/a/2', status: 404, ms: 0.5, user: 0 });
    // Whatever a URL or an id holds, the line stays one line of JSON.
    const odd = '/a/\\ \u0001 \u2028 名 \ud800 "';
    access({ reqId: 'req-"1c\n', method: 'GET', route: '/a/:id', url: odd, status: 400, ms: 0.25, user: 0, trace: 't"x' });
    createAccessLog(log, false)({ reqId: 'req-2', method: 'GET', route: '/a', url: '/a', status: 200, ms: 1, user: 0 });
    expect(lines).toHaveLength(0); // one write per event-loop turn
    await new Promise((r) => setImmediate(r));
    expect(lines).toHaveLength(1);
    const written = lines.splice(0, 1)[0]!.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(written.map((l: { reqId: string }) => l.reqId)).toEqual(['req-1', 'req-1b', 'req-"1c\n']);
    expect(written[2]).toMatchObject({ url: odd, trace: 't"x', status: 400 });
    lines.unshift(JSON.stringify(written[0]));
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, name: 'gw', reqId: 'req-1', url: '/a/1?q="x"', status: 200, ms: 1.5, user: 7, msg: 'request' });
    const child = lazyChild(log, { reqId: 'req-3' });
    child.debug('hidden');
    child.error({ code: 1 }, 'boom');
    expect(JSON.parse(lines[1]!)).toMatchObject({ level: 50, reqId: 'req-3', code: 1, msg: 'boom' });
    expect(lines).toHaveLength(2);
  });
});
