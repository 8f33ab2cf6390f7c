import { createServer, type Server, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { Code, SurgeError } from '#kit/errors';
import { EchoServiceDefinition } from '#gen/surge/echo/v1/echo';
import { createClient } from '../client.js';
import { startEcho, until } from './testing/fixture.js';
import { startFramedServer } from './server.js';
import { createFramedTransport } from './transport.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The call's error (a SurgeError) and how long it took to come, in real ms. */
async function timedFailure(p: Promise<unknown>): Promise<{ err: SurgeError; ms: number }> {
  const t0 = performance.now();
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof SurgeError)) throw new Error(`expected a SurgeError, got ${String(err)}`);
  return { err, ms: performance.now() - t0 };
}

/** A listener that accepts every connection and cuts it at once: each connect attempt fails, and is counted. */
async function cuttingServer(): Promise<{ port: number; attempts: () => number; close(): Promise<void> }> {
  let attempts = 0;
  const server: Server = createServer((socket: Socket) => {
    attempts++;
    socket.on('error', () => undefined);
    socket.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : 0,
    attempts: () => attempts,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A port nothing listens on (the OS picked it, then it was freed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  return typeof addr === 'object' && addr ? addr.port : 0;
}

describe('framed transport while connections are refused', () => {
  it('server closed: a call with a 5 s deadline fails in < 200 ms with Unavailable; server back: the same transport serves again', async () => {
    const f = await startEcho(async (req) => ({ message: req.message, number: req.number, remainingMs: -1 }));
    const port = f.server.port;
    try {
      expect((await f.client.echo({ message: 'before', number: 0, hops: 0 })).message).toBe('before');
      await f.server.close({ drainMs: 0 });
      await until(() => f.transport.state() !== 'ready');
      // Over several back-off rounds (10–50 ms here), every call fails fast, none waits out its deadline.
      for (let i = 0; i < 8; i++) {
        const { err, ms } = await timedFailure(f.client.echo({ message: '', number: i, hops: 0 }, { timeoutMs: 5000 }));
        expect(err.code).toBe(Code.Unavailable);
        expect(err.message).toContain('cannot connect');
        expect(ms).toBeLessThan(200);
        await sleep(15);
      }
      const again = await startFramedServer(f.rpc, { port });
      try {
        await until(() => f.transport.state() === 'ready');
        const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => f.client.echo({ message: 'after', number: i, hops: 0 }, { timeoutMs: 5000 })));
        expect(replies.map((r) => r.number)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      } finally {
        await again.close({ drainMs: 0 });
      }
    } finally {
      await f.close();
    }
  });

  it('nothing listening, default back-off: the first call waits for the one attempt under way, later ones fail at once', async () => {
    const transport = createFramedTransport({ port: await closedPort() });
    const client = createClient(EchoServiceDefinition, transport);
    try {
      const first = await timedFailure(client.echo({ message: '', number: 0, hops: 0 }, { timeoutMs: 5000 }));
      expect(first.err.code).toBe(Code.Unavailable);
      expect(first.ms).toBeLessThan(200);
      // Inside the back-off window (100 ms and more): no attempt is under way, the last was refused.
      const next = await Promise.all(Array.from({ length: 50 }, () => timedFailure(client.echo({ message: '', number: 0, hops: 0 }, { timeoutMs: 5000 }))));
      for (const n of next) {
        expect(n.err.code).toBe(Code.Unavailable);
        expect(n.ms).toBeLessThan(50);
      }
      expect(transport.inFlight()).toBe(0);
    } finally {
      await transport.close();
    }
  });

  it('costs at most one connection attempt per back-off step, however many calls come (manual clock)', async () => {
    const peer = await cuttingServer();
    const clock = new ManualClock(Date.now());
    // Jitter pinned at its low end: after n refused attempts the next comes 100 · 2^n · 0.5 ms later.
    const transport = createFramedTransport({ port: peer.port, clock, connections: 1, random: () => 0 });
    const client = createClient(EchoServiceDefinition, transport, { clock });
    const call = () => timedFailure(client.echo({ message: '', number: 0, hops: 0 }, { timeoutMs: 5000 }));
    try {
      // The attempt made at creation is under way: calls wait for it, then fail with it.
      const early = await Promise.all([call(), call(), call()]);
      expect(early.map((e) => e.err.code)).toEqual([Code.Unavailable, Code.Unavailable, Code.Unavailable]);
      expect(peer.attempts()).toBe(1);
      // In the back-off window (100 ms): refused at once, and no new attempt.
      const during = await Promise.all(Array.from({ length: 100 }, call));
      expect(during.every((d) => d.err.code === Code.Unavailable)).toBe(true);
      clock.advance(99);
      await sleep(20);
      expect(peer.attempts()).toBe(1);
      // The window ends: one more attempt; a call made while it is under way waits for its outcome.
      clock.advance(1);
      const waiting = call();
      await until(() => peer.attempts() === 2);
      expect((await waiting).err.code).toBe(Code.Unavailable);
      await sleep(20);
      expect(peer.attempts()).toBe(2);
      expect(transport.stats().waiting).toBe(0);
    } finally {
      await transport.close();
      await peer.close();
    }
  });
});
