import { request as httpRequest, type IncomingMessage } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import type { EventProducerContext, ServerSentEvent } from '#kit/sse';
import { installErrorHandling } from './errors.js';
import { installServerSentEvents } from './sse.js';

/** A real HTTP client reading the stream as it comes. */
function connect(url: string, headers: Record<string, string> = {}) {
  let text = '';
  const waiters: (() => void)[] = [];
  let response!: IncomingMessage;
  const req = httpRequest(url, { headers: { accept: 'text/event-stream', ...headers } });
  const opened = new Promise<IncomingMessage>((resolve, reject) => {
    req.on('response', (res) => {
      response = res;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        waiters.splice(0).forEach((w) => w());
      });
      res.on('end', () => waiters.splice(0).forEach((w) => w()));
      resolve(res);
    });
    req.on('error', reject);
  });
  req.end();
  /** Resolves once the text read so far satisfies seen (re-checked on every chunk). */
  const until = async (seen: (text: string) => boolean): Promise<string> => {
    await opened;
    while (!seen(text)) {
      if (response.complete) throw new Error(`stream ended before the condition; got ${JSON.stringify(text)}`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
    return text;
  };
  return { opened, until, close: () => req.destroy(), text: () => text, ended: () => response.complete };
}

const ids = (text: string) => [...text.matchAll(/^id: (.*)$/gm)].map((m) => m[1]);

let app: FastifyInstance | undefined;
afterEach(() => app?.close());

async function serve(clock: ManualClock) {
  const state = { produced: 0, stopped: false, lastEventId: undefined as string | undefined };
  let onStop!: () => void;
  const stopped = new Promise<void>((resolve) => (onStop = resolve));
  app = Fastify();
  installErrorHandling(app);
  installServerSentEvents(app, { clock, heartbeatMs: 15_000 });
  app.get('/events', (_request, reply) =>
    reply.sendEvents(async function* ({ lastEventId, signal }: EventProducerContext): AsyncGenerator<ServerSentEvent> {
      state.lastEventId = lastEventId;
      try {
        const from = Number(lastEventId ?? 0);
        for (let id = from + 1; id <= from + 5; id++) {
          state.produced++;
          yield { id: String(id), event: 'tick', data: { id } };
        }
        // Then quiet until the client leaves: only heartbeats flow.
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
      } finally {
        state.stopped = true;
        onStop();
      }
    }),
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}/events`, state, stopped };
}

describe('server-sent events over HTTP', () => {
  it('delivers events in order after Last-Event-ID, sends heartbeats on the clock, and stops the producer on disconnect', async () => {
    const clock = new ManualClock();
    const { url, state, stopped } = await serve(clock);
    const client = connect(url, { 'last-event-id': '3' });
    const res = await client.opened;
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache, no-transform');
    const text = await client.until((t) => ids(t).length === 5);
    expect(state.lastEventId).toBe('3');
    expect(ids(text)).toEqual(['4', '5', '6', '7', '8']);
    expect(text).toContain('id: 4\nevent: tick\ndata: {"id":4}\n\n');
    expect(text).not.toContain('heartbeat');

    clock.advance(15_000);
    await client.until((t) => t.includes(': heartbeat\n\n'));
    clock.advance(15_000);
    await client.until((t) => t.split(': heartbeat\n\n').length === 3);

    client.close();
    await stopped;
    expect(state.stopped).toBe(true);
    expect(state.produced).toBe(5);
  });

  it('ends open streams when the server closes, so close() does not wait for clients', async () => {
    const clock = new ManualClock();
    const { url, stopped } = await serve(clock);
    const client = connect(url);
    await client.until((t) => ids(t).length === 5);
    await app!.close();
    app = undefined;
    await stopped;
    await client.until(() => client.ended());
    expect(ids(client.text())).toEqual(['1', '2', '3', '4', '5']);
  });
});
