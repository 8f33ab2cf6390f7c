import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { installErrorHandling } from './errors.js';
import { installRequestGuard } from './request-guard.js';

let close: (() => Promise<unknown>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('request guard', () => {
  it("answers a request that arrives during close() with 503 in Surge's shape, after the one in flight finishes", async () => {
    // As buildGateway sets it up: Fastify's own 503 off, the guard's on.
    const app = Fastify({ return503OnClosing: false });
    installErrorHandling(app);
    installRequestGuard(app);
    let entered!: () => void;
    const inSlow = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    app.get('/slow', async () => {
      entered();
      await released;
      return { ok: true };
    });
    app.get('/next', async () => ({ served: true }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    close = () => app.close();
    const { port } = app.server.address() as AddressInfo;

    // One connection: a request in flight when close() begins, then a second one on it.
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk) => (text += String(chunk)));
    const ended = new Promise((resolve) => socket.on('close', resolve));
    socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    await inSlow;
    const closing = app.close();
    await new Promise((resolve) => setTimeout(resolve, 50)); // preClose hooks run
    socket.write('GET /next HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    await closing;
    await ended;

    const answers = text.split(/(?=HTTP\/1\.1 )/);
    expect(answers).toHaveLength(2);
    expect(answers[0]).toMatch(/^HTTP\/1\.1 200/);
    expect(answers[1]).toMatch(/^HTTP\/1\.1 503/);
    expect(answers[1]).toMatch(/\r\nconnection: close\r\n/i);
    expect(JSON.parse(answers[1]!.slice(answers[1]!.indexOf('\r\n\r\n') + 4))).toEqual({ code: 50301, message: 'the server is shutting down; retry the request' });
  });

  it('refuses a body in an encoding it does not decode and closes the connection; no body or identity passes', async () => {
    const app = Fastify();
    installErrorHandling(app);
    installRequestGuard(app);
    app.post('/echo', async (request) => ({ body: request.body }));
    close = () => app.close();
    const post = (headers: Record<string, string>, payload?: string) => app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json', ...headers }, ...(payload === undefined ? {} : { payload }) });
    const gz = await post({ 'content-encoding': 'gzip' }, '{"a":1}');
    expect(gz.statusCode).toBe(415);
    expect(gz.headers.connection).toBe('close');
    expect(gz.json()).toMatchObject({ code: 41501, message: 'Content-Encoding: "gzip" is not accepted; send the body unencoded (identity)' });
    for (const encoding of ['identity', 'Identity', ' identity , IDENTITY', '']) {
      expect((await post({ 'content-encoding': encoding }, '{"a":1}')).json(), JSON.stringify(encoding)).toEqual({ body: { a: 1 } });
    }
    // Without a body the header describes nothing: not judged.
    expect((await app.inject({ method: 'GET', url: '/echo', headers: { 'content-encoding': 'gzip' } })).statusCode).toBe(404);
  });
});
