import { describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { Code, SurgeError } from '#kit/errors';
import { createClient, createInProcessTransport, RpcServer } from '#kit/rpc';
import { EchoServiceDefinition } from '#gen/surge/echo/v1/echo';
import { createShedder, nopShedder, shedderInterceptor, type Shedder } from './index.js';

function setup(shedder: Shedder, fail?: SurgeError) {
  let started = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const server = new RpcServer([shedderInterceptor(shedder)]).register(EchoServiceDefinition, {
    echo: async (req) => {
      started++;
      await gate;
      if (fail) throw fail;
      return { message: req.message, number: req.number, remainingMs: 0 };
    },
  });
  const client = createClient(EchoServiceDefinition, createInProcessTransport(server));
  const call = () => client.echo({ message: 'x', number: 0, hops: 0 }).then(() => 'ok', (e: SurgeError) => e.code);
  return { call, release, started: () => started };
}

describe('shedderInterceptor', () => {
  it('answers Overloaded before running the handler once a hot server is past its estimate', async () => {
    const clock = new ManualClock();
    const shedder = createShedder({ clock, probe: { read: () => 300 } });
    const { call, release, started } = setup(shedder);
    const calls = Array.from({ length: 20 }, call);
    await new Promise((r) => setImmediate(r));
    expect(started()).toBe(11); // estimate 10 with nothing learned: the 11th saw 10 in flight
    clock.advance(40);
    release();
    const codes = await Promise.all(calls);
    expect(codes.filter((c) => c === 'ok').length).toBe(11);
    expect(codes.filter((c) => c === Code.Overloaded).length).toBe(9);
    expect(started()).toBe(11);
    // Passes were recorded with their latency and the slots are free again.
    clock.advance(100);
    expect(shedder.stats()).toMatchObject({ inFlight: 0, maxPass: 11, minRtMs: 40 });
  });

  it('a handler error still counts as a pass; a deadline frees the slot without teaching', async () => {
    const clock = new ManualClock();
    const shedder = createShedder({ clock, probe: { read: () => 0 } });
    const notFound = setup(shedder, new SurgeError(Code.NotFound, 'echo not found'));
    const p = notFound.call();
    clock.advance(7);
    notFound.release();
    expect(await p).toBe(Code.NotFound);
    clock.advance(100);
    expect(shedder.stats()).toMatchObject({ inFlight: 0, maxPass: 1, minRtMs: 7 });

    const late = setup(shedder, new SurgeError(Code.DeadlineExceeded, 'deadline exceeded'));
    const q = late.call();
    clock.advance(1);
    late.release();
    expect(await q).toBe(Code.DeadlineExceeded);
    clock.advance(100);
    expect(shedder.stats()).toMatchObject({ inFlight: 0, minRtMs: 7 });
  });

  it('with the nop shedder every call reaches the handler', async () => {
    const { call, release, started } = setup(nopShedder());
    const calls = Array.from({ length: 50 }, call);
    await new Promise((r) => setImmediate(r));
    expect(started()).toBe(50);
    release();
    expect((await Promise.all(calls)).every((c) => c === 'ok')).toBe(true);
  });
});
