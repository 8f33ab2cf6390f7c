// Surge client → Surge gRPC server through createClient(def, createGrpcTransport(...)): replies,
// errors turned back into the same SurgeError, deadlines, cancellation, foreign statuses mapped
// to the closest code, and a graceful close that lets in-flight calls finish.
import { afterEach, describe, expect, it } from 'vitest';
import { Server, ServerCredentials, status, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import { systemClock } from '#kit/clock';
import { Code, SurgeError } from '#kit/errors';
import { EchoServiceDefinition, type EchoReply, type EchoRequest } from '#gen/surge/echo/v1/echo';
import { UserServiceDefinition } from '#gen/surge/user/v1/user';
import { createClient } from '../client.js';
import { grpcService } from './definition.js';
import { startEcho, type EchoFixture, type EchoHandler } from './testing/echo.js';
import { createGrpcTransport, startGrpcServer } from './index.js';
import { RpcServer } from '../server.js';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close();
});

async function echoServer(handler: EchoHandler): Promise<EchoFixture> {
  const f = await startEcho(handler);
  open.push(f);
  return f;
}

function failure(p: Promise<unknown>): Promise<SurgeError> {
  return p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e as SurgeError,
  );
}

const req = (message: string, extra: Partial<EchoRequest> = {}): EchoRequest => ({ message, number: 0, hops: 0, ...extra });

describe('Surge client over gRPC', () => {
  it('round-trips a call: int64 above 2^32 and Chinese text', async () => {
    const f = await echoServer(async (r) => ({ message: `${r.message}，收到`, number: r.number * 2, remainingMs: 0 }));
    expect(await f.client.echo(req('你好', { number: 2 ** 40 + 3 }))).toEqual({ message: '你好，收到', number: 2 ** 41 + 6, remainingMs: 0 });
    expect(f.observed).toEqual([0]);
  });

  it('turns errors back into the same SurgeError: code, message and details', async () => {
    const f = await echoServer(async (r) => {
      if (r.message === 'missing') throw new SurgeError(Code.NotFound, 'echo 7 not found');
      // TokenExpired shares UNAUTHENTICATED with Unauthenticated: only the trailer tells them apart.
      if (r.message === 'expired') throw new SurgeError(Code.TokenExpired, '令牌已过期');
      if (r.message === 'limited') throw new SurgeError(Code.RateLimited, 'too many echoes: retry in 3 s', { details: { retryAfter: 3, scope: '用户' } });
      throw new Error('SELECT secret');
    });
    const notFound = await failure(f.client.echo(req('missing')));
    expect(notFound).toBeInstanceOf(SurgeError);
    expect([notFound.code, notFound.message]).toEqual([Code.NotFound, 'echo 7 not found']);
    const expired = await failure(f.client.echo(req('expired')));
    expect([expired.code, expired.message]).toEqual([Code.TokenExpired, '令牌已过期']);
    const limited = await failure(f.client.echo(req('limited')));
    expect([limited.code, limited.details]).toEqual([Code.RateLimited, { retryAfter: 3, scope: '用户' }]);
    const internal = await failure(f.client.echo(req('boom')));
    expect([internal.code, internal.message]).toEqual([Code.Internal, 'internal error']);
  });

  it('leaves Error.stackTraceLimit as it found it, after a call that succeeds and one that fails', async () => {
    // The transport turns off grpc-js's per-call capture of the caller's stack for the call's start only.
    const before = Error.stackTraceLimit;
    const f = await echoServer(async (r) => {
      if (r.message === 'fail') throw new SurgeError(Code.NotFound, 'nothing');
      return { message: r.message, number: 0, remainingMs: 0 };
    });
    const ok = f.client.echo(req('ok'));
    expect(Error.stackTraceLimit).toBe(before);
    await ok;
    await failure(f.client.echo(req('fail')));
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error('here').stack).toMatch(/transport\.test/);
  });

  it('sends the deadline: DeadlineExceeded on a slow handler, and nested calls never get more time', async () => {
    let aborted = false;
    const f = await echoServer(async (r, ctx, self) => {
      if (r.message === 'slow') {
        aborted = await systemClock.sleep(500, ctx.signal).then(() => false, () => true);
        return { message: 'late', number: 0, remainingMs: 0 };
      }
      if (r.hops > 0) return self.echo({ ...r, hops: r.hops - 1 }, { parent: ctx, timeoutMs: 10_000 });
      return { message: 'leaf', number: 0, remainingMs: Math.round(ctx.remainingMs()) };
    });
    const slow = await failure(f.client.echo(req('slow'), { timeoutMs: 50 }));
    expect(slow.code).toBe(Code.DeadlineExceeded);
    const leaf = await f.client.echo(req('', { hops: 2 }), { timeoutMs: 300 });
    expect(leaf.remainingMs).toBeGreaterThan(0);
    expect(leaf.remainingMs).toBeLessThanOrEqual(300);
    expect(aborted).toBe(true);
  });

  it('refuses a call already past its deadline without sending it', async () => {
    const f = await echoServer(async () => ({ message: '', number: 0, remainingMs: 0 }));
    expect((await failure(f.client.echo(req('x'), { timeoutMs: 0 }))).code).toBe(Code.DeadlineExceeded);
    expect(f.observed).toEqual([]);
  });

  it('cancelling the context cancels the call on the server', async () => {
    let serverSawAbort!: (v: boolean) => void;
    const sawAbort = new Promise<boolean>((r) => (serverSawAbort = r));
    const f = await echoServer(async (_r, ctx) => {
      serverSawAbort(await systemClock.sleep(2000, ctx.signal).then(() => false, () => true));
      return { message: '', number: 0, remainingMs: 0 };
    });
    const canceller = createClient(EchoServiceDefinition, f.transport, {
      interceptors: [(call, next) => (setTimeout(() => call.ctx.cancel(), 50), next(call))],
    });
    const err = await failure(canceller.echo(req('x'), { timeoutMs: 5000 }));
    expect(err.code).toBe(Code.Cancelled);
    expect(await sawAbort).toBe(true);
  });

  it('a method the server does not serve is NotFound', async () => {
    const f = await echoServer(async () => ({ message: '', number: 0, remainingMs: 0 }));
    const users = createClient(UserServiceDefinition, f.transport);
    expect((await failure(users.getUser({ id: 1 }))).code).toBe(Code.NotFound);
  });

  it('a server that does not answer is Unavailable, naming it', async () => {
    const f = await startEcho(async () => ({ message: '', number: 0, remainingMs: 0 }));
    const port = f.grpc.port;
    await f.close();
    const t = createGrpcTransport({ port, name: 'echo service' });
    open.push(t);
    const err = await failure(createClient(EchoServiceDefinition, t).echo(req('x')));
    expect(err.code).toBe(Code.Unavailable);
    expect(err.details).toEqual({ dependency: 'echo service' });
  });
});

describe('statuses from a foreign gRPC server (no surge-code trailer)', () => {
  it('map to the closest Surge code, keeping the message', async () => {
    const server = new Server();
    const byMessage: Record<string, number> = { unavailable: status.UNAVAILABLE, exhausted: status.RESOURCE_EXHAUSTED, denied: status.PERMISSION_DENIED, unauth: status.UNAUTHENTICATED, late: status.DEADLINE_EXCEEDED, cut: status.CANCELLED };
    server.addService(grpcService(EchoServiceDefinition), {
      Echo: (call: ServerUnaryCall<EchoRequest, EchoReply>, cb: sendUnaryData<EchoReply>) => cb({ code: byMessage[call.request.message] ?? status.UNKNOWN, details: `foreign ${call.request.message}` }),
    });
    const port = await new Promise<number>((res, rej) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
    open.push({ close: () => server.forceShutdown() });
    const t = createGrpcTransport({ port });
    open.push(t);
    const client = createClient(EchoServiceDefinition, t);
    const seen: [number, string][] = [];
    for (const m of ['unavailable', 'exhausted', 'denied', 'unauth', 'late', 'cut', 'other']) {
      const e = await failure(client.echo(req(m)));
      seen.push([e.code, e.message]);
    }
    expect(seen).toEqual([
      [Code.Unavailable, `gRPC 127.0.0.1:${port} is unavailable, try again shortly`],
      [Code.Overloaded, 'foreign exhausted'],
      [Code.PermissionDenied, 'foreign denied'],
      [Code.Unauthenticated, 'foreign unauth'],
      [Code.DeadlineExceeded, 'deadline exceeded'],
      [Code.Unavailable, `gRPC 127.0.0.1:${port} is unavailable, try again shortly`], // CANCELLED we did not ask for: the server cut it
      [Code.Internal, 'internal error'],
    ]);
  });
});

describe('graceful close', () => {
  it('lets an in-flight call finish, then refuses new ones', async () => {
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const f = await echoServer(async (r) => {
      started();
      await systemClock.sleep(200);
      return { message: `done ${r.message}`, number: 0, remainingMs: 0 };
    });
    const inFlight = f.client.echo(req('a'), { timeoutMs: 5000 });
    await running;
    const t0 = performance.now();
    const closed = f.grpc.close({ drainMs: 3000 });
    expect(await inFlight).toMatchObject({ message: 'done a' });
    await closed;
    expect(performance.now() - t0).toBeLessThan(2000); // answered by the drain, not the 3 s force
    const later = createGrpcTransport({ port: f.grpc.port });
    open.push(later);
    expect((await failure(createClient(EchoServiceDefinition, later).echo(req('b')))).code).toBe(Code.Unavailable);
  });

  it('past drainMs, cuts what is left and the handler sees its signal abort', async () => {
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    let handlerAborted!: (v: boolean) => void;
    const aborted = new Promise<boolean>((r) => (handlerAborted = r));
    const f = await echoServer(async (_r, ctx) => {
      started();
      handlerAborted(await systemClock.sleep(5000, ctx.signal).then(() => false, () => true));
      return { message: '', number: 0, remainingMs: 0 };
    });
    const inFlight = failure(f.client.echo(req('a'), { timeoutMs: 10_000 }));
    await running;
    const t0 = performance.now();
    await f.grpc.close({ drainMs: 100 });
    expect(performance.now() - t0).toBeLessThan(1000);
    expect((await inFlight).code).toBe(Code.Unavailable); // the server went away mid-call: retryable
    expect(await aborted).toBe(true);
  });

  it('validates its options at construction, naming the option', async () => {
    await expect(startGrpcServer(new RpcServer(), { port: 70_000 })).rejects.toMatchObject({ code: Code.InvalidArgument, message: expect.stringContaining('port') });
    await expect(startGrpcServer(new RpcServer(), { drainMs: -1 })).rejects.toMatchObject({ code: Code.InvalidArgument, message: expect.stringContaining('drainMs') });
    expect(() => createGrpcTransport({ port: 0 })).toThrow(expect.objectContaining({ code: Code.InvalidArgument, message: expect.stringContaining('port') }));
  });
});
