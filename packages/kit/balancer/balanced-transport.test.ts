import { describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { Code, SurgeError } from '#kit/errors';
import { createCallContext, type Transport, type UnaryCall } from '#kit/rpc';
import { EchoServiceDefinition } from '#gen/surge/echo/v1/echo';
import { createBalancedTransport, type BalancedInstance } from './balanced-transport.js';
import { createP2cPicker } from './p2c-ewma.js';
import { createRoundRobinPicker } from './round-robin.js';
import { seededRandom } from './testing/sim.js';

/** An in-memory instance: answers (or throws) after moving the shared manual clock by its latency. */
function instance(id: string, clock: ManualClock, latencyMs: number, fail?: () => unknown): BalancedInstance & { calls: number } {
  const self = {
    id,
    calls: 0,
    transport: {
      async unary(call: UnaryCall): Promise<unknown> {
        self.calls++;
        clock.advance(latencyMs);
        if (fail) throw fail();
        return { message: `${id}:${(call.request as { message: string }).message}`, number: 0, remainingMs: 0 };
      },
    } satisfies Transport,
  };
  return self;
}

function call(clock: ManualClock, message = 'hi'): UnaryCall {
  const def = EchoServiceDefinition.methods.echo;
  return {
    service: EchoServiceDefinition.fullName,
    method: def.name,
    definition: def,
    request: { message, number: 0, hops: 0 },
    ctx: createCallContext({ clock, timeoutMs: 1000 }),
  };
}

function setup(...make: ((clock: ManualClock) => BalancedInstance & { calls: number })[]) {
  const clock = new ManualClock();
  const instances = make.map((m) => m(clock));
  const picker = createP2cPicker<BalancedInstance>({ key: (i) => i.id, clock, random: seededRandom(11), name: 'surge.echo.v1.EchoService' });
  picker.update(instances);
  return { clock, instances, transport: createBalancedTransport({ picker, clock }) };
}

/** Runs n calls one after another, swallowing errors; returns each instance's share of calls. */
async function run(transport: Transport, clock: ManualClock, n: number, instances: { calls: number }[]): Promise<number[]> {
  for (let i = 0; i < n; i++) await transport.unary(call(clock)).catch(() => undefined);
  const total = instances.reduce((s, x) => s + x.calls, 0);
  return instances.map((x) => x.calls / total);
}

describe('balanced transport', () => {
  it('routes at least 90% of calls to the faster of two in-memory transports', async () => {
    const { clock, instances, transport } = setup((c) => instance('slow', c, 100), (c) => instance('fast', c, 5));
    const reply = (await transport.unary(call(clock, 'x'))) as { message: string };
    expect(reply.message).toMatch(/^(slow|fast):x$/);
    const [, fast] = await run(transport, clock, 1000, instances);
    expect(fast).toBeGreaterThanOrEqual(0.9);
  });

  it('over round robin, the same two split evenly (what p2c improves on)', async () => {
    const clock = new ManualClock();
    const instances = [instance('slow', clock, 100), instance('fast', clock, 5)];
    const picker = createRoundRobinPicker<BalancedInstance>({ key: (i) => i.id, random: () => 0 });
    picker.update(instances);
    const [, fast] = await run(createBalancedTransport({ picker, clock }), clock, 1000, instances);
    expect(fast).toBe(0.5);
  });

  it('counts Unavailable answers against the instance: it gets few calls', async () => {
    const unavailable = () => new SurgeError(Code.Unavailable, 'connection refused');
    const { clock, instances, transport } = setup((c) => instance('down', c, 1, unavailable), (c) => instance('up', c, 5));
    const [down] = await run(transport, clock, 2000, instances);
    expect(down).toBeLessThan(0.05);
  });

  it('counts caller mistakes (NotFound, InvalidArgument) as answers: the instance keeps its share', async () => {
    for (const code of [Code.NotFound, Code.InvalidArgument]) {
      const err = new SurgeError(code, 'caller mistake');
      const { clock, instances, transport } = setup((c) => instance('strict', c, 5, () => err), (c) => instance('lax', c, 5));
      const [strict] = await run(transport, clock, 2000, instances);
      expect(strict).toBeGreaterThan(0.4);
      expect(strict).toBeLessThan(0.6);
    }
  });

  it('passes SurgeErrors through unchanged and turns anything else into Internal (a failure) with its cause', async () => {
    const notFound = new SurgeError(Code.NotFound, 'user 7 not found');
    const one = setup((c) => instance('a', c, 5, () => notFound));
    await expect(one.transport.unary(call(one.clock))).rejects.toBe(notFound);

    const bug = new TypeError('x is undefined');
    const alone = setup((c) => instance('buggy', c, 5, () => bug));
    const caught = await alone.transport.unary(call(alone.clock)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(caught).toBeInstanceOf(SurgeError);
    expect((caught as SurgeError).code).toBe(Code.Internal);
    expect((caught as SurgeError).cause).toBe(bug);

    const two = setup((c) => instance('buggy', c, 5, () => bug), (c) => instance('ok', c, 5));
    const [buggy] = await run(two.transport, two.clock, 2000, two.instances);
    expect(buggy).toBeLessThan(0.05);
  });

  it('learns nothing from calls the caller cancelled: a quick cancel is not a quick answer', async () => {
    // Callers of a give up after 1 ms; taken as 1 ms answers, a would look 5× faster than b.
    const cancelled = () => new SurgeError(Code.Cancelled, 'the call was cancelled');
    const { clock, instances, transport } = setup((c) => instance('a', c, 1, cancelled), (c) => instance('b', c, 5));
    const [a] = await run(transport, clock, 2000, instances);
    expect(a).toBeGreaterThan(0.35);
    expect(a).toBeLessThan(0.65);
  });

  it('answers Unavailable naming the service when there is no instance', async () => {
    const { clock, transport } = setup();
    const err = await transport.unary(call(clock)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SurgeError);
    expect((err as SurgeError).code).toBe(Code.Unavailable);
    expect((err as SurgeError).message).toContain('no instances of surge.echo.v1.EchoService');
  });

  it('refuses a missing picker at construction', () => {
    let err: unknown;
    try {
      createBalancedTransport({} as never);
    } catch (e) {
      err = e;
    }
    expect((err as SurgeError).code).toBe(Code.InvalidArgument);
    expect((err as SurgeError).message).toContain('picker');
  });
});
