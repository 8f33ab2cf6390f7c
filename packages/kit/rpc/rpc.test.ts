import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '#kit/clock';
import { Code, SurgeError } from '#kit/errors';
import { EchoServiceDefinition, type EchoReply, type EchoRequest } from '#gen/surge/echo/v1/echo';
import { createCallContext, createClient, createInProcessTransport, RpcServer, serverInterceptors, type CallContext, type Client, type ServiceImpl } from './index.js';

const silent = { error() {}, debug() {}, warn() {} };

function setup(handler: (req: EchoRequest, ctx: CallContext, self: Client<typeof EchoServiceDefinition>) => Promise<EchoReply>, opts: { codecCheck?: boolean; clock?: ManualClock } = {}) {
  const clock = opts.clock ?? systemClock;
  const observed: { side: string; method: string; code: number }[] = [];
  const observer = { observe: (side: 'server' | 'client', _s: string, method: string, code: number) => observed.push({ side, method, code }) };
  const server = new RpcServer(serverInterceptors({ log: silent, observer, clock }));
  let client!: Client<typeof EchoServiceDefinition>;
  const impl: ServiceImpl<typeof EchoServiceDefinition> = { echo: (req, ctx) => handler(req, ctx, client) };
  server.register(EchoServiceDefinition, impl);
  client = createClient(EchoServiceDefinition, createInProcessTransport(server, { codecCheck: opts.codecCheck ?? true }), { clock });
  return { client, observed, server };
}

describe('rpc in-process', () => {
  it('calls the handler and keeps ids above 2^32 exact through the codec', async () => {
    const { client } = setup(async (req) => ({ message: req.message.toUpperCase(), number: req.number + 1, remainingMs: -1 }));
    const big = 2 ** 40 + 7;
    expect(await client.echo({ message: 'hi', number: big, hops: 0 })).toEqual({ message: 'HI', number: big + 1, remainingMs: -1 });
  });

  it('propagates the deadline to nested calls: a call with 50 ms left never starts work with more', async () => {
    const { client } = setup(async (req, ctx, self) => {
      if (req.hops > 0) return self.echo({ ...req, hops: req.hops - 1 }, { parent: ctx, timeoutMs: 10_000 });
      return { message: 'leaf', number: 0, remainingMs: Math.round(ctx.remainingMs()) };
    });
    const reply = await client.echo({ message: '', number: 0, hops: 3 }, { timeoutMs: 50 });
    expect(reply.remainingMs).toBeGreaterThan(0);
    expect(reply.remainingMs).toBeLessThanOrEqual(50);
    const unbounded = await client.echo({ message: '', number: 0, hops: 0 }, { timeoutMs: 10_000 });
    expect(unbounded.remainingMs).toBeGreaterThan(9_000);
  });

  it('carries metadata (request id) from parent to nested calls', async () => {
    const { client } = setup(async (req, ctx, self) => {
      if (req.hops > 0) return self.echo({ ...req, hops: 0 }, { parent: ctx });
      return { message: ctx.metadata['x-request-id'] ?? '', number: 0, remainingMs: 0 };
    });
    expect((await client.echo({ message: '', number: 0, hops: 1 }, { metadata: { 'x-request-id': 'r-1' } })).message).toBe('r-1');
  });

  it('answers DeadlineExceeded when the handler outlives the deadline, and refuses an expired one', async () => {
    const clock = new ManualClock();
    let started = 0;
    const { client } = setup(
      async (_req, ctx) => {
        started++;
        await clock.sleep(1000, ctx.signal).catch(() => undefined);
        return { message: 'late', number: 0, remainingMs: 0 };
      },
      { clock },
    );
    const p = client.echo({ message: '', number: 0, hops: 0 }, { timeoutMs: 100 });
    clock.advance(100);
    await expect(p).rejects.toMatchObject({ code: Code.DeadlineExceeded });
    expect(started).toBe(1);
    const q = client.echo({ message: '', number: 0, hops: 0 }, { timeoutMs: 0 });
    await expect(q).rejects.toMatchObject({ code: Code.DeadlineExceeded });
    expect(started).toBe(1);
  });

  it('without codecCheck: a method no server has is a NotFound rejection, and a chain that throws before its promise rejects too', async () => {
    const server = new RpcServer([]);
    const bare = createClient(EchoServiceDefinition, createInProcessTransport(server), { clock: systemClock });
    await expect(bare.echo({ message: '', number: 0, hops: 0 })).rejects.toMatchObject({ code: Code.NotFound });
    // A handler that throws in its call (not an async function) and no interceptor to catch it.
    server.register(EchoServiceDefinition, { echo: (() => { throw new SurgeError(Code.FailedPrecondition, 'thrown in the call'); }) as never });
    const p = bare.echo({ message: '', number: 0, hops: 0 });
    expect(p).toBeInstanceOf(Promise);
    await expect(p).rejects.toMatchObject({ code: Code.FailedPrecondition });
    // Found again on the next call (the method is remembered once found).
    await expect(bare.echo({ message: '', number: 0, hops: 0 })).rejects.toMatchObject({ code: Code.FailedPrecondition });
  });

  it('tells apart two services that share method definitions (a relay of another service\'s API)', async () => {
    const RelayDefinition = { ...EchoServiceDefinition, fullName: 'surge.relay.v1.RelayService' } as unknown as typeof EchoServiceDefinition;
    const server = new RpcServer(serverInterceptors({ log: silent, observer: { observe() {} }, clock: systemClock }));
    const transport = createInProcessTransport(server);
    const echo = createClient(EchoServiceDefinition, transport, { clock: systemClock });
    const relay = createClient(RelayDefinition, transport, { clock: systemClock });
    server.register(EchoServiceDefinition, { echo: async (req) => ({ message: `echo:${req.message}`, number: 0, remainingMs: 0 }) });
    server.register(RelayDefinition, { echo: async (req, ctx) => echo.echo({ ...req, message: `relay:${req.message}` }, { parent: ctx }) });
    // Each asked first through the other's definition objects, then again from the cache.
    for (let i = 0; i < 2; i++) {
      expect((await echo.echo({ message: 'a', number: 0, hops: 0 })).message).toBe('echo:a');
      expect((await relay.echo({ message: 'b', number: 0, hops: 0 })).message).toBe('echo:relay:b');
    }
  });

  it('maps errors: SurgeErrors keep their code, anything else becomes Internal without details', async () => {
    const { client, observed } = setup(async (req) => {
      if (req.message === 'missing') throw new SurgeError(Code.NotFound, 'echo not found');
      throw new Error('SELECT secret FROM table');
    });
    await expect(client.echo({ message: 'missing', number: 0, hops: 0 })).rejects.toMatchObject({ code: Code.NotFound, message: 'echo not found' });
    const err = (await client.echo({ message: 'boom', number: 0, hops: 0 }).catch((e: unknown) => e)) as SurgeError;
    expect(err).toBeInstanceOf(SurgeError);
    expect(err.code).toBe(Code.Internal);
    expect(err.message).toBe('internal error');
    expect(observed.map((o) => o.code)).toEqual([Code.NotFound, Code.Internal]);
  });

  it('with codecCheck, a reply that cannot cross the wire fails in-process too', async () => {
    const bad = async () => ({ message: new Date() as unknown as string, number: 0, remainingMs: 0 });
    await expect(setup(bad, { codecCheck: true }).client.echo({ message: '', number: 0, hops: 0 })).rejects.toBeInstanceOf(SurgeError);
    await expect(setup(bad, { codecCheck: false }).client.echo({ message: '', number: 0, hops: 0 })).resolves.toBeDefined();
    // A field left undefined that the wire turns into its default is still caught...
    const unset = async () => ({ message: undefined as unknown as string, number: 0, remainingMs: 0 });
    await expect(setup(unset, { codecCheck: true }).client.echo({ message: '', number: 0, hops: 0 })).rejects.toThrow(/does not survive/);
    // ...but an extra key holding undefined reads as absent on both sides, and passes.
    const extra = async () => ({ message: '', number: 0, remainingMs: 0, note: undefined }) as EchoReply;
    await expect(setup(extra, { codecCheck: true }).client.echo({ message: '', number: 0, hops: 0 })).resolves.toEqual({ message: '', number: 0, remainingMs: 0 });
  });

  it('refuses a service registered twice or a handler missing', () => {
    const { server } = setup(async () => ({ message: '', number: 0, remainingMs: 0 }));
    expect(() => server.register(EchoServiceDefinition, { echo: async () => ({ message: '', number: 0, remainingMs: 0 }) })).toThrow(/registered twice/);
    expect(() => new RpcServer().register(EchoServiceDefinition, {} as never)).toThrow(/no handler for Echo/);
  });
});

describe('call context', () => {
  it('sets no deadline timer on the server for a call whose transport ends it at its deadline, and one for any other', async () => {
    let timers = 0;
    const clock = new ManualClock();
    const counting = { now: () => clock.now(), monotonic: () => clock.monotonic(), sleep: (ms: number, signal?: AbortSignal) => clock.sleep(ms, signal), after: (ms: number, fn: () => void) => (timers++, clock.after(ms, fn)) };
    const server = new RpcServer(serverInterceptors({ log: { error() {}, warn() {}, debug() {} }, observer: { observe() {} }, clock: counting }));
    server.register(EchoServiceDefinition, { echo: async () => ({ message: 'ok', number: 0, remainingMs: 0 }) });
    const target = server.lookup('surge.echo.v1.EchoService', 'Echo')!;
    const call = (deadlineEnforced: boolean, deadline = clock.now() + 1000) =>
      target.invoke({ service: target.service, method: target.method, definition: target.definition, request: { message: '', number: 0, hops: 0 }, ctx: createCallContext({ deadline, deadlineEnforced, clock: counting }) });
    await call(true);
    expect(timers).toBe(0);
    await call(false);
    expect(timers).toBe(1);
    // Past its deadline, either is refused before the handler runs.
    const deadline = clock.now() + 1000;
    clock.advance(2000);
    await expect(call(true, deadline)).rejects.toMatchObject({ code: Code.DeadlineExceeded });
    expect(timers).toBe(1);
  });

  it('reads metadata given as readMetadata once, when first asked, and hands it to nested contexts', () => {
    const clock = new ManualClock();
    let reads = 0;
    const ctx = createCallContext({ readMetadata: () => (reads++, { 'x-request-id': 'r-7' }), clock });
    expect(reads).toBe(0);
    expect(ctx.metadata['x-request-id']).toBe('r-7');
    expect(ctx.metadata['x-request-id']).toBe('r-7');
    expect(reads).toBe(1);
    expect(createCallContext({ parent: ctx, metadata: { caller: 'feed' }, clock }).metadata).toEqual({ 'x-request-id': 'r-7', caller: 'feed' });
    // Given with a parent, it is read at once and joins the parent's.
    expect(createCallContext({ parent: ctx, readMetadata: () => ({ traceparent: 't' }), clock }).metadata).toEqual({ 'x-request-id': 'r-7', traceparent: 't' });
  });

  it('a settled call leaves no deadline timer behind, even when the signal was read', async () => {
    const clock = new ManualClock();
    let pending = 0;
    const counting = {
      now: () => clock.now(),
      monotonic: () => clock.monotonic(),
      sleep: (ms: number, signal?: AbortSignal) => clock.sleep(ms, signal),
      after(ms: number, fn: () => void) {
        pending++;
        const t = clock.after(ms, () => {
          pending--;
          fn();
        });
        return { cancel: () => (pending--, t.cancel()) };
      },
    };
    const server = new RpcServer([]);
    server.register(EchoServiceDefinition, { echo: async (_req, ctx) => ({ message: String(ctx.signal.aborted), number: 0, remainingMs: 0 }) });
    const client = createClient(EchoServiceDefinition, createInProcessTransport(server), { clock: counting });
    for (let i = 0; i < 10; i++) expect((await client.echo({ message: '', number: 0, hops: 0 })).message).toBe('false');
    await Promise.resolve();
    expect(pending).toBe(0);
  });

  it('onCancel hears a cancel without creating the signal, before or after the signal exists, and can be removed', () => {
    const clock = new ManualClock();
    const heard: string[] = [];
    const a = createCallContext({ clock, timeoutMs: 1000 });
    a.onCancel!(() => heard.push('a1'));
    const remove = a.onCancel!(() => heard.push('removed'));
    remove();
    a.cancel();
    a.onCancel!(() => heard.push('a-late'));
    expect(heard).toEqual(['a1', 'a-late']);
    expect(a.signal.aborted).toBe(true);

    // Once something read the signal, its deadline reaches onCancel listeners too.
    const b = createCallContext({ clock, timeoutMs: 1000 });
    b.onCancel!(() => heard.push('b-before-signal'));
    void b.signal;
    b.onCancel!(() => heard.push('b-after-signal'));
    clock.advance(1000);
    expect(heard).toEqual(['a1', 'a-late', 'b-before-signal', 'b-after-signal']);
  });

  it('a cancel nothing listens to yet makes no signal, but one read later is born aborted with its reason', () => {
    const clock = new ManualClock();
    const plain = createCallContext({ clock, timeoutMs: 1000 });
    plain.cancel();
    let heard = 0;
    plain.onCancel!(() => heard++);
    expect(heard).toBe(1);
    expect(plain.signal.aborted).toBe(true);
    expect((plain.signal.reason as Error).name).toBe('AbortError');

    const why = new Error('the caller went away');
    const given = createCallContext({ clock, timeoutMs: 1000 });
    given.cancel(why);
    given.cancel(new Error('a second cancel changes nothing'));
    clock.advance(2000); // the deadline passing after the cancel does not replace the reason
    expect(given.signal.reason).toBe(why);
  });
});
