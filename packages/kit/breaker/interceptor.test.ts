import { describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { Code, SurgeError } from '#kit/errors';
import { createClient, createInProcessTransport, RpcServer } from '#kit/rpc';
import { EchoServiceDefinition } from '#gen/surge/echo/v1/echo';
import { BreakerGroup, breakerInterceptor } from './index.js';

function setup(fail: (message: string) => SurgeError | undefined, keyOf?: Parameters<typeof breakerInterceptor>[1]) {
  const clock = new ManualClock();
  let seed = 42;
  // A fixed sequence keeps the counts identical on every run.
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const group = new BreakerGroup({ breaker: { clock, random } });
  let handled = 0;
  const server = new RpcServer().register(EchoServiceDefinition, {
    echo: async (req) => {
      handled++;
      const err = fail(req.message);
      if (err) throw err;
      return { message: req.message, number: req.number, remainingMs: 0 };
    },
  });
  const client = createClient(EchoServiceDefinition, createInProcessTransport(server), { interceptors: [breakerInterceptor(group, keyOf)], clock });
  const call = async (message = 'x') => {
    try {
      await client.echo({ message, number: 0, hops: 0 });
      return 'ok';
    } catch (err) {
      return (err as SurgeError).code;
    }
  };
  return { clock, group, call, handled: () => handled };
}

describe('breakerInterceptor', () => {
  it('throttles a failing method at the client: the server sees only the probes', async () => {
    const { clock, group, call, handled } = setup(() => new SurgeError(Code.Unavailable, 'down'));
    const codes: unknown[] = [];
    for (let i = 0; i < 300; i++) {
      codes.push(await call());
      clock.advance(20);
    }
    const last100 = codes.slice(200);
    expect(last100.filter((c) => c === Code.BreakerOpen).length).toBeGreaterThanOrEqual(75);
    expect(codes.filter((c) => c !== Code.BreakerOpen).every((c) => c === Code.Unavailable)).toBe(true);
    expect(handled()).toBe(codes.filter((c) => c === Code.Unavailable).length);
    expect(handled()).toBeLessThan(100);
    expect(group.keys()).toEqual(['surge.echo.v1.EchoService/Echo']);
  });

  it('caller mistakes answered by the server never open it', async () => {
    const { clock, call, handled } = setup(() => new SurgeError(Code.NotFound, 'echo not found'));
    for (let i = 0; i < 300; i++) {
      expect(await call()).toBe(Code.NotFound);
      clock.advance(20);
    }
    expect(handled()).toBe(300);
  });

  it('keys breakers with keyOf: a failing key leaves the others alone', async () => {
    const { clock, group, call } = setup((m) => (m === 'bad' ? new SurgeError(Code.Internal, 'boom') : undefined), (c) => `${c.service}/${c.method}#${String((c.request as { message: string }).message)}`);
    for (let i = 0; i < 200; i++) {
      await call('bad');
      clock.advance(20);
    }
    const good: unknown[] = [];
    for (let i = 0; i < 100; i++) good.push(await call('good'));
    expect(good.every((c) => c === 'ok')).toBe(true);
    expect(group.keys().sort()).toEqual(['surge.echo.v1.EchoService/Echo#bad', 'surge.echo.v1.EchoService/Echo#good']);
  });
});
