import Fastify, { type FastifyInstance } from 'fastify';
import { trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, type Clock } from '#kit/clock';
import { Code, SurgeError } from '#kit/errors';
import { createClient, createInProcessTransport, RpcServer, serverInterceptors, type CallContext } from '#kit/rpc';
import { EchoServiceDefinition } from '#gen/surge/echo/v1/echo';
import { callOptions } from '../routes/users.js';
import { installErrorHandling } from './errors.js';
import { installRouteTimeouts } from './timeouts.js';
import { installTracing } from './tracing.js';
import { installTurnWrites } from './turn-writes.js';

const silent = { error() {}, debug() {}, warn() {} };

/** The manual clock, counting timers still armed (a timer left behind would fire a late 504 or keep work alive). */
function countingClock() {
  const clock = new ManualClock();
  let pending = 0;
  const counting: Clock = {
    now: () => clock.now(),
    monotonic: () => clock.monotonic(),
    sleep: (ms, signal) => clock.sleep(ms, signal),
    after(ms, fn) {
      pending++;
      let live = true;
      const settle = () => live && ((live = false), pending--);
      const timer = clock.after(ms, () => (settle(), fn()));
      return { cancel: () => (settle(), timer.cancel()) };
    },
  };
  return { clock, counting, pending: () => pending };
}

/** An echo service whose handler waits for its call to be cancelled, recording what it saw. */
function slowService(clock: Clock) {
  const seen: { started: number; deadline?: number; aborted: boolean } = { started: 0, aborted: false };
  let entered!: () => void;
  const started = new Promise<void>((resolve) => (entered = resolve));
  const server = new RpcServer(serverInterceptors({ log: silent, observer: { observe() {} }, clock }));
  server.register(EchoServiceDefinition, {
    echo: async (_req, ctx: CallContext) => {
      seen.started++;
      seen.deadline = ctx.deadline;
      entered();
      await clock.sleep(60_000, ctx.signal).catch(() => (seen.aborted = ctx.signal.aborted));
      return { message: 'late', number: 0, remainingMs: 0 };
    },
  });
  const echo = createClient(EchoServiceDefinition, createInProcessTransport(server), { clock });
  return { echo, seen, started };
}

let app: FastifyInstance | undefined;
afterEach(() => app?.close());

async function gateway(clock: Clock, routes: (a: FastifyInstance) => void): Promise<FastifyInstance> {
  app = Fastify();
  installErrorHandling(app);
  installTracing(app, trace.getTracer('off'));
  installRouteTimeouts(app, { clock });
  routes(app);
  await app.ready();
  return app;
}

describe('per-route timeouts', () => {
  it('answers 504 in Surge\'s shape at the deadline and cancels the handler\'s RPC call with the same deadline', async () => {
    const { clock, counting, pending } = countingClock();
    const svc = slowService(counting);
    const a = await gateway(counting, (g) => g.get('/slow', { config: { timeoutMs: 50 } }, (request) => svc.echo.echo({ message: '', number: 0, hops: 0 }, callOptions(request))));
    const arrival = clock.now();
    const response = a.inject({ url: '/slow' });
    await svc.started;
    clock.advance(49);
    expect(svc.seen.aborted).toBe(false);
    clock.advance(1);
    const res = await response;
    expect(res.statusCode).toBe(504);
    expect(res.json()).toEqual({ code: Code.DeadlineExceeded, message: 'deadline exceeded: the request took longer than 50 ms', details: { timeoutMs: 50 } });
    // The service saw the route's deadline, not the client's 2 s default, and its work was cancelled.
    expect(svc.seen.deadline).toBe(arrival + 50);
    await Promise.resolve();
    expect(svc.seen.aborted).toBe(true);
    expect(svc.seen.started).toBe(1);
    expect(pending()).toBe(0);
  });

  it('leaves a route that answers in time alone, and disarms its timer', async () => {
    const { clock, counting, pending } = countingClock();
    const a = await gateway(counting, (g) => g.get('/fast', { config: { timeoutMs: 50 } }, async () => ({ ok: true })));
    const res = await a.inject({ url: '/fast' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true });
    expect(pending()).toBe(0);
    clock.advance(1000);
  });

  it('counts preHandlers in the deadline: a slow one is cut off and the handler never runs', async () => {
    const { clock, counting } = countingClock();
    let handled = 0;
    let waiting!: () => void;
    const inPreHandler = new Promise<void>((resolve) => (waiting = resolve));
    const a = await gateway(counting, (g) =>
      g.get('/guarded', {
        config: { timeoutMs: 30 },
        preHandler: async () => {
          waiting();
          await clock.sleep(1000);
        },
        handler: async () => ++handled,
      }),
    );
    const response = a.inject({ url: '/guarded' });
    await inPreHandler;
    clock.advance(30);
    expect((await response).statusCode).toBe(504);
    clock.advance(1000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(handled).toBe(0);
  });

  it('answers in the scope\'s own format (the Douyin face has its envelope)', async () => {
    const { clock, counting } = countingClock();
    const a = await gateway(counting, (g) =>
      g.register(async (face) => {
        face.setErrorHandler((err, _request, reply) => reply.code(200).send({ status_code: 1, status_msg: (err as SurgeError).message }));
        face.get('/face/slow', { config: { timeoutMs: 20 } }, () => clock.sleep(1000).then(() => ({ status_code: 0 })));
      }),
    );
    const response = a.inject({ url: '/face/slow' });
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(20);
    expect((await response).json()).toEqual({ status_code: 1, status_msg: 'deadline exceeded: the request took longer than 20 ms' });
  });

  it.each([
    ['the handler settles, then the deadline falls while its reply waits for the end of the turn', 'handler'],
    ['the deadline answers, then the handler settles while the 504 waits', 'deadline'],
  ])('answers once when %s', async (_case, first) => {
    const { clock, counting, pending } = countingClock();
    const warned: unknown[] = [];
    let settle!: () => void;
    const handlerDone = new Promise<void>((resolve) => (settle = resolve));
    // Anything logged at warn or above (Fastify's "Reply was already sent", a failed write) fails the case.
    app = Fastify({ logger: { level: 'warn', stream: { write: (line: string) => void warned.push(line) } } });
    installErrorHandling(app);
    installTracing(app, trace.getTracer('off'));
    // Before the holding hook: runs as a reply enters the wait, and moves the other party past it.
    app.addHook('onSend', (_request, reply, _payload, done) => {
      if (first === 'handler') clock.advance(50);
      else if (reply.statusCode === 504) settle();
      done();
    });
    installTurnWrites(app);
    installRouteTimeouts(app, { clock: counting });
    app.get('/edge', { config: { timeoutMs: 50 } }, async () => {
      if (first === 'deadline') await handlerDone;
      return { from: 'handler' };
    });
    await app.ready();
    const response = app.inject({ url: '/edge' });
    if (first === 'deadline') {
      await new Promise((resolve) => setImmediate(resolve));
      clock.advance(50);
    }
    const res = await response;
    await new Promise((resolve) => setImmediate(resolve));
    if (first === 'handler') expect(res.json()).toEqual({ from: 'handler' });
    else expect(res.statusCode).toBe(504);
    expect(warned).toEqual([]);
    expect(pending()).toBe(0);
  });

  it('gives routes without a timeout no deadline of their own', async () => {
    const { counting } = countingClock();
    const a = await gateway(counting, (g) => g.get('/plain', async (request) => ({ parent: request.callParent === undefined })));
    expect((await a.inject({ url: '/plain' })).json()).toEqual({ parent: true });
  });

  it.each([0, -5, 1.5, 600_001, '100'])('refuses timeoutMs %j when the route is added', async (timeoutMs) => {
    const { counting } = countingClock();
    const err = await gateway(counting, (g) => g.get('/bad', { config: { timeoutMs: timeoutMs as number } }, async () => 'x')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SurgeError);
    expect((err as SurgeError).code).toBe(Code.InvalidArgument);
    expect((err as SurgeError).message).toMatch(/^route GET \/bad config\.timeoutMs: /);
  });
});
