// The remote client's one retry, with real sockets in one process: a call the framed transport
// says it never sent (details.sent false) is served by another instance; a call it sent is not.
import { describe, expect, it } from 'vitest';
import { systemClock } from '#kit/clock';
import { createMemoryRegistry } from '#kit/discovery';
import { Code, SurgeError } from '#kit/errors';
import { createLogger, createMetrics } from '#kit/observability';
import { RpcServer, startFramedServer } from '#kit/rpc';
import { EchoServiceDefinition } from '#gen/surge/echo/v1/echo';
import { rawServer, until } from '../rpc/framed/testing/fixture.js';
import { Kind } from '../rpc/framed/frame.js';
import { remoteClient } from './remote.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Outcome = { number: number; ok: true } | { number: number; ok: false; code: number; sent: unknown };

describe('remote client: a call never sent is tried once elsewhere, a sent call never', () => {
  it('an instance dies with calls written and calls queued: the queued ones are served by the other instance, the written ones fail', async () => {
    // A completes the handshake, then never reads again: what the client writes stays in its socket.
    const a = await rawServer('stop-reading');
    const ranOnB: number[] = [];
    const rpc = new RpcServer().register(EchoServiceDefinition, {
      echo: async (req) => {
        ranOnB.push(req.number);
        return { message: 'B', number: req.number, remainingMs: -1 };
      },
    });
    const b = await startFramedServer(rpc);
    const registry = createMemoryRegistry();
    const inst = (id: string, port: number) => ({ service: 'echo', id, host: '127.0.0.1', framedPort: port, grpcPort: 0, pid: process.pid });
    await registry.register(inst('a', a.port));
    const remote = await remoteClient(EchoServiceDefinition, 'echo', {
      registry,
      clock: systemClock,
      log: createLogger({ level: 'silent' }),
      metrics: createMetrics({ defaultMetrics: false }),
      timeoutMs: 10_000,
    });
    const outcome = (number: number, message = '') =>
      remote.client.echo({ message, number, hops: 0 }).then(
        (r): Outcome => ({ number: r.number, ok: true }),
        (e: unknown): Outcome => {
          const err = SurgeError.from(e);
          return { number, ok: false, code: err.code, sent: err.details?.sent };
        },
      );
    try {
      // Both of A's connections said HELLO (the raw server counts the client's).
      await until(() => a.frames().filter((k) => k === Kind.Hello).length === 2);
      await sleep(50);
      // A 7 MiB request on each connection fills what the kernel takes and stays in the socket's buffer.
      const big = 'b'.repeat(7 << 20);
      const written = [outcome(1001, big), outcome(1002, big)];
      await sleep(50);
      // These queue behind them, never reaching a socket.
      const queued = Array.from({ length: 10 }, (_, i) => outcome(i + 1));
      await sleep(50);

      await registry.register(inst('b', b.port));
      await until(() => b.stats().connections === 2);
      await sleep(50);
      await a.close(); // A dies

      const results = await Promise.all([...written, ...queued]);
      expect(results.filter((r) => r.number > 1000)).toEqual([
        { number: 1001, ok: false, code: Code.Unavailable, sent: true },
        { number: 1002, ok: false, code: Code.Unavailable, sent: true },
      ]);
      expect(results.filter((r) => r.number <= 1000)).toEqual(Array.from({ length: 10 }, (_, i) => ({ number: i + 1, ok: true })));
      // B ran each queued call once and none of the written ones.
      expect([...ranOnB].sort((x, y) => x - y)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    } finally {
      await remote.close();
      await b.close({ drainMs: 0 });
      await registry.close();
    }
  });
});
