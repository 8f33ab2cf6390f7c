// Interop from the .proto alone: plain grpc-js clients built with proto-loader, knowing nothing of
// Surge, call a Surge gRPC server. They see the right bytes (int64 above 2^32, Chinese text), the
// deadline honoured on the server, and errors as gRPC statuses with the Surge code in a trailer.
import { afterEach, describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import { systemClock } from '#kit/clock';
import { Code, SurgeError, errors } from '#kit/errors';
import { UserServiceDefinition, type User } from '#gen/surge/user/v1/user';
import type { ServiceImpl } from '../types.js';
import { grpcFailure, plainClient, startEcho, type EchoFixture } from './testing/echo.js';

const ECHO = 'surge/echo/v1/echo.proto';
const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close();
});

async function echoServer(handler: Parameters<typeof startEcho>[0], extra?: Parameters<typeof startEcho>[1]): Promise<EchoFixture> {
  const f = await startEcho(handler, extra);
  open.push(f);
  return f;
}

function plainEcho(port: number) {
  const c = plainClient(ECHO, 'surge.echo.v1.EchoService', port);
  open.push(c);
  return c.call('Echo');
}

describe('gRPC interop from the .proto alone', () => {
  it('echoes an int64 above 2^32 exactly and Chinese text intact', async () => {
    const seen: number[] = [];
    const f = await echoServer(async (req, ctx) => {
      seen.push(req.number);
      return { message: `${req.message}！`, number: req.number + 1, remainingMs: ctx.deadline === undefined ? -1 : 0 };
    });
    const reply = await plainEcho(f.grpc.port)({ message: '你好，世界', number: String(2 ** 40 + 7), hops: 0 });
    expect(seen).toEqual([2 ** 40 + 7]);
    expect(reply).toEqual({ message: '你好，世界！', number: String(2 ** 40 + 8), remainingMs: '-1' });
    expect(f.observed).toEqual([0]); // the server interceptors ran
  });

  it('serves the real UserService: repeated int64 ids above 2^32, in order, missing left out', async () => {
    const noCounters = { backgroundImage: '', followCount: 0, followerCount: 0, workCount: 0, favoriteCount: 0, totalFavorited: 0 };
    // A plain client with defaults on sees every field: int64 as a decimal string, an absent
    // (zero) one as "0" (protobufjs with the long package, as a Node process loads it).
    const wireCounters = { backgroundImage: '', followCount: '0', followerCount: '0', workCount: '0', favoriteCount: '0', totalFavorited: '0' };
    const users = new Map<number, User>([
      [2 ** 32 + 1, { id: 2 ** 32 + 1, username: 'li', name: '李雷', avatar: '', signature: '你好', createdAt: 1_700_000_000_123, ...noCounters }],
      [2 ** 53 - 1, { id: 2 ** 53 - 1, username: 'han', name: '韩梅梅', avatar: 'a.png', signature: '', createdAt: 1, ...noCounters, backgroundImage: 'b.png', followerCount: 2 ** 40, totalFavorited: 3 }],
    ]);
    const refuse = async (): Promise<never> => {
      throw new SurgeError(Code.FailedPrecondition, 'not served in this test');
    };
    const impl: ServiceImpl<typeof UserServiceDefinition> = {
      register: refuse, login: refuse, sendCode: refuse, loginByMobile: refuse, updateProfile: refuse, getRoles: refuse, setRole: refuse,
      getUser: async (req) => {
        const u = users.get(req.id);
        if (!u) throw errors.notFound(`user ${req.id}`);
        return u;
      },
      getUsers: async (req) => ({ users: req.ids.flatMap((id) => users.get(id) ?? []) }),
    };
    const f = await echoServer(async () => ({ message: '', number: 0, remainingMs: 0 }), (rpc) => rpc.register(UserServiceDefinition, impl));
    const c = plainClient('surge/user/v1/user.proto', 'surge.user.v1.UserService', f.grpc.port);
    open.push(c);
    const reply = await c.call('GetUsers')({ ids: [String(2 ** 53 - 1), '7', String(2 ** 32 + 1)] });
    expect(reply.users).toEqual([
      { id: String(2 ** 53 - 1), username: 'han', name: '韩梅梅', avatar: 'a.png', signature: '', createdAt: '1', ...wireCounters, backgroundImage: 'b.png', followerCount: String(2 ** 40), totalFavorited: '3' },
      { id: String(2 ** 32 + 1), username: 'li', name: '李雷', avatar: '', signature: '你好', createdAt: '1700000000123', ...wireCounters },
    ]);
    const missing = await grpcFailure(c.call('GetUser')({ id: '7' }));
    expect(missing.code).toBe(status.NOT_FOUND);
    expect(missing.details).toBe('user 7 not found');
  });

  it('carries text metadata into the context and on to nested calls, without gRPC headers', async () => {
    const f = await echoServer(async (req, ctx, self) => {
      if (req.hops > 0) return self.echo({ ...req, hops: req.hops - 1 }, { parent: ctx });
      return { message: JSON.stringify(ctx.metadata), number: 0, remainingMs: 0 };
    });
    const reply = await plainEcho(f.grpc.port)({ message: '', hops: 2 }, { metadata: { 'x-request-id': 'req-42', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });
    expect(JSON.parse(reply.message as string)).toEqual({ 'x-request-id': 'req-42', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
  });
});

describe('gRPC deadlines from a plain client', () => {
  it('a 50 ms deadline on a 500 ms handler: DEADLINE_EXCEEDED, and the server stops the work at the deadline', async () => {
    let settle!: (v: { leftAtStart: number; aborted: boolean; ranMs: number }) => void;
    const handlerDone = new Promise<{ leftAtStart: number; aborted: boolean; ranMs: number }>((r) => (settle = r));
    const f = await echoServer(async (_req, ctx) => {
      const start = performance.now();
      const leftAtStart = ctx.remainingMs();
      const aborted = await systemClock.sleep(500, ctx.signal).then(() => false, () => true);
      settle({ leftAtStart, aborted, ranMs: performance.now() - start });
      return { message: 'late', number: 0, remainingMs: 0 };
    });
    const err = await grpcFailure(plainEcho(f.grpc.port)({ message: 'slow' }, { deadline: Date.now() + 50 }));
    expect(err.code).toBe(status.DEADLINE_EXCEEDED);
    const h = await handlerDone;
    expect(h.leftAtStart).toBeGreaterThan(0);
    expect(h.leftAtStart).toBeLessThanOrEqual(50);
    expect(h.aborted).toBe(true);
    expect(h.ranMs).toBeLessThan(300);
  });

  it('a handler calling itself sees the propagated remaining time, never more than the caller gave', async () => {
    const f = await echoServer(async (req, ctx, self) => {
      // Each hop asks for 10 s; the caller's 300 ms must win at every level.
      if (req.hops > 0) return self.echo({ ...req, hops: req.hops - 1 }, { parent: ctx, timeoutMs: 10_000 });
      return { message: 'leaf', number: 0, remainingMs: Math.round(ctx.remainingMs()) };
    });
    const echo = plainEcho(f.grpc.port);
    const bounded = await echo({ hops: 3 }, { deadline: Date.now() + 300 });
    expect(Number(bounded.remainingMs)).toBeGreaterThan(0);
    expect(Number(bounded.remainingMs)).toBeLessThanOrEqual(300);
    const unbounded = await echo({ hops: 3 });
    expect(Number(unbounded.remainingMs)).toBeGreaterThan(9_000);
  });
});

describe('gRPC errors seen by a plain client', () => {
  it('a SurgeError keeps its gRPC status, message and Surge code (trailer surge-code)', async () => {
    const f = await echoServer(async (req) => {
      if (req.message === 'missing') throw new SurgeError(Code.NotFound, `echo ${req.number} not found`);
      throw new SurgeError(Code.InvalidArgument, '消息不能为空', { details: { field: '消息', max: 140 } });
    });
    const echo = plainEcho(f.grpc.port);
    const notFound = await grpcFailure(echo({ message: 'missing', number: '7' }));
    expect(notFound.code).toBe(status.NOT_FOUND);
    expect(notFound.details).toBe('echo 7 not found');
    expect(notFound.metadata.get('surge-code')).toEqual(['40401']);
    expect(notFound.metadata.get('surge-details')).toEqual([]);
    const invalid = await grpcFailure(echo({ message: '' }));
    expect(invalid.code).toBe(status.INVALID_ARGUMENT);
    expect(invalid.details).toBe('消息不能为空');
    expect(invalid.metadata.get('surge-code')).toEqual(['40001']);
    expect(JSON.parse(invalid.metadata.get('surge-details')[0] as string)).toEqual({ field: '消息', max: 140 });
    expect(f.observed).toEqual([Code.NotFound, Code.InvalidArgument]);
  });

  it('an unknown error becomes INTERNAL "internal error" and leaks nothing', async () => {
    const f = await echoServer(async () => {
      throw new Error('ER_NO_SUCH_TABLE: SELECT secret FROM users');
    });
    const err = await grpcFailure(plainEcho(f.grpc.port)({ message: 'x' }));
    expect(err.code).toBe(status.INTERNAL);
    expect(err.details).toBe('internal error');
    expect(err.metadata.get('surge-code')).toEqual(['50001']);
    expect(JSON.stringify(err.metadata.getMap())).not.toContain('SELECT');
  });
});
