import { request as httpRequest, Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { installTurnWrites } from './turn-writes.js';

let app: FastifyInstance | undefined;
afterEach(() => app?.close());

const logged: string[] = [];

async function server(routes: (a: FastifyInstance) => void): Promise<string> {
  logged.length = 0;
  app = Fastify({ logger: { level: 'warn', stream: { write: (line: string) => void logged.push(line) } } });
  installTurnWrites(app);
  routes(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

function get(base: string, path: string, agent: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpRequest(base + path, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode!, body }));
    }).on('error', reject).end();
  });
}

describe('replies written at the end of the turn', () => {
  it('holds a reply until the turn ends, then writes it', async () => {
    const seen: string[] = [];
    const base = await server((a) =>
      a.get('/held', (_request, reply) => {
        reply.send({ ok: true });
        queueMicrotask(() => seen.push(`microtask: headers sent ${reply.raw.headersSent}`));
        setImmediate(() => seen.push(`next immediate: headers sent ${reply.raw.headersSent}`));
        return reply;
      }),
    );
    const agent = new Agent({ keepAlive: true });
    expect(await get(base, '/held', agent)).toEqual({ status: 200, body: '{"ok":true}' });
    expect(seen).toEqual(['microtask: headers sent false', 'next immediate: headers sent true']);
    agent.destroy();
  });

  it('answers many concurrent requests on kept-alive sockets, each with its own body, errors and streams too', async () => {
    const base = await server((a) => {
      a.get('/n/:n', async (request) => ({ n: Number((request.params as { n: string }).n) }));
      a.get('/boom', async () => {
        throw Object.assign(new Error('no such thing'), { statusCode: 404 });
      });
      a.get('/stream', (_request, reply) => reply.type('text/plain').send(Readable.from(['a', 'b', 'c'])));
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const paths = Array.from({ length: 300 }, (_, i) => (i % 10 === 3 ? '/boom' : i % 10 === 7 ? '/stream' : `/n/${i}`));
    const replies = await Promise.all(paths.map((p) => get(base, p, agent)));
    replies.forEach((r, i) => {
      if (paths[i] === '/boom') expect(r.status).toBe(404);
      else if (paths[i] === '/stream') expect(r).toEqual({ status: 200, body: 'abc' });
      else expect(r).toEqual({ status: 200, body: JSON.stringify({ n: i }) });
    });
    expect(logged).toEqual([]);
    agent.destroy();
  });

  it('logs a reply that cannot be written (a handler that sent twice) and still writes the others', async () => {
    const base = await server((a) => {
      // Fastify's rule: an async handler that sends must return the reply. This one does not.
      a.get('/twice', async (_request, reply) => {
        reply.send({ first: true });
      });
      a.get('/fine', async () => ({ fine: true }));
    });
    const agent = new Agent({ keepAlive: true });
    const [twice, fine] = await Promise.all([get(base, '/twice', agent), get(base, '/fine', new Agent())]);
    expect(twice).toEqual({ status: 200, body: '{"first":true}' });
    expect(fine).toEqual({ status: 200, body: '{"fine":true}' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(logged.some((line) => line.includes('reply could not be written'))).toBe(true);
    agent.destroy();
  });
});
