import { describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { Code, SurgeError } from '#kit/errors';
import { clientHello, head, rawClient, rawServer, startEcho, until } from './testing/fixture.js';
import { Kind, MAGIC } from './frame.js';
import { startFramedServer } from './server.js';
import { createFramedTransport, type FramedTransportState } from './transport.js';
import { createClient } from '../client.js';
import { EchoServiceDefinition } from '#gen/surge/echo/v1/echo';

async function outcome(p: Promise<unknown>): Promise<number> {
  return p.then(
    () => 0,
    (e: unknown) => (e instanceof SurgeError ? e.code : -1),
  );
}

const pongs = (f: { transport: { stats(): { connections: { pongs: number }[] } } }) => f.transport.stats().connections.reduce((n, c) => n + c.pongs, 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('framed protocol under faults', () => {
  it('back-pressure: against a server that stops reading, the queue stays bounded and new calls fail fast with Unavailable', async () => {
    const peer = await rawServer('stop-reading');
    const maxQueuedBytes = 1 << 20;
    const transport = createFramedTransport({ port: peer.port, connections: 1, maxQueuedBytes });
    const client = createClient(EchoServiceDefinition, transport);
    try {
      await until(() => transport.state() === 'ready');
      const big = 'b'.repeat(64 * 1024);
      const calls: Promise<number>[] = [];
      let maxQueued = 0;
      // 2,000 × 64 KiB = 125 MiB offered; only about maxQueuedBytes (plus what the kernel holds) may be kept.
      for (let i = 0; i < 2000; i++) {
        calls.push(outcome(client.echo({ message: big, number: i, hops: 0 }, { timeoutMs: 1500 })));
        if (i % 25 === 0) await new Promise((r) => setImmediate(r));
        maxQueued = Math.max(maxQueued, transport.stats().queuedBytes);
      }
      const t0 = performance.now();
      const fastFail = await outcome(client.echo({ message: big, number: -1, hops: 0 }, { timeoutMs: 1500 }));
      expect(fastFail).toBe(Code.Unavailable);
      expect(performance.now() - t0).toBeLessThan(50);
      expect(maxQueued).toBeLessThanOrEqual(maxQueuedBytes);
      const codes = await Promise.all(calls);
      const unavailable = codes.filter((c) => c === Code.Unavailable).length;
      expect(unavailable).toBeGreaterThan(1500);
      // Nothing was answered: the rest ran out of time.
      expect(codes.filter((c) => c === 0)).toHaveLength(0);
      expect(codes.filter((c) => c !== Code.Unavailable).every((c) => c === Code.DeadlineExceeded)).toBe(true);
    } finally {
      await Promise.race([transport.close(), sleep(100)]);
      await peer.close();
    }
  });

  it('fails a call at its deadline even if no reply ever comes (manual clock)', async () => {
    const peer = await rawServer('silent');
    const clock = new ManualClock(Date.now());
    const transport = createFramedTransport({ port: peer.port, clock });
    const client = createClient(EchoServiceDefinition, transport, { clock });
    try {
      await until(() => transport.state() === 'ready');
      let settled: number | undefined;
      void outcome(client.echo({ message: '', number: 0, hops: 0 }, { timeoutMs: 50 })).then((c) => (settled = c));
      await until(() => peer.frames().includes(Kind.Request));
      clock.advance(49);
      await sleep(10);
      expect(settled).toBeUndefined();
      clock.advance(1);
      await until(() => settled !== undefined);
      expect(settled).toBe(Code.DeadlineExceeded);
      expect(transport.inFlight()).toBe(0);
      // The server was told to drop the work.
      await until(() => peer.frames().includes(Kind.Cancel));
    } finally {
      await transport.close();
      await peer.close();
    }
  });

  it('pings an idle connection and declares it dead when the ping goes unanswered', async () => {
    const peer = await rawServer('silent');
    const clock = new ManualClock(Date.now());
    const transport = createFramedTransport({ port: peer.port, clock, connections: 1, pingIntervalMs: 1000, pingTimeoutMs: 500 });
    const client = createClient(EchoServiceDefinition, transport, { clock });
    try {
      await until(() => transport.state() === 'ready');
      const p = outcome(client.echo({ message: '', number: 0, hops: 0 }, { timeoutMs: 60_000 }));
      await until(() => peer.frames().includes(Kind.Request));
      clock.advance(1000);
      await until(() => peer.frames().includes(Kind.Ping));
      expect(transport.state()).toBe('ready');
      clock.advance(500);
      expect(await p).toBe(Code.Unavailable);
    } finally {
      await transport.close();
      await peer.close();
    }
  });

  it('a live server answers pings, so an idle connection stays up', async () => {
    const clock = new ManualClock(Date.now());
    const f = await startEcho(async (req) => ({ message: req.message, number: 0, remainingMs: -1 }), { clock, client: { connections: 1, pingIntervalMs: 1000, pingTimeoutMs: 500 } });
    try {
      await until(() => f.transport.state() === 'ready');
      const states: FramedTransportState[] = [];
      f.transport.onStateChange((s) => states.push(s));
      // 5 s of manual time in 100 ms steps, with real time between for each pong to travel.
      for (let i = 0; i < 50; i++) {
        clock.advance(100);
        await sleep(5);
      }
      expect(pongs(f)).toBeGreaterThanOrEqual(3);
      expect(states).toEqual([]);
      expect(await f.client.echo({ message: 'still here', number: 0, hops: 0 })).toMatchObject({ message: 'still here' });
    } finally {
      await f.close();
    }
  });

  it('drains on close: calls in flight complete, the client learns it is draining, new calls are refused', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const f = await startEcho(async (req) => {
      await gate;
      return { message: 'done', number: req.number, remainingMs: -1 };
    });
    const states: FramedTransportState[] = [];
    f.transport.onStateChange((s) => states.push(s));
    try {
      await until(() => f.transport.state() === 'ready');
      const inflight = Array.from({ length: 50 }, (_, i) => f.client.echo({ message: '', number: i, hops: 0 }, { timeoutMs: 5000 }));
      await until(() => f.server.stats().inFlight === 50);
      const closing = f.server.close({ drainMs: 5000 });
      await until(() => f.transport.state() === 'draining');
      const late = outcome(f.client.echo({ message: '', number: 99, hops: 0 }, { timeoutMs: 200 }));
      release();
      const replies = await Promise.all(inflight);
      expect(replies.map((r) => r.number)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      const t0 = performance.now();
      await closing;
      expect(performance.now() - t0).toBeLessThan(1000);
      expect(await late).toBe(Code.Unavailable);
      expect(states).toContain('draining');
    } finally {
      await f.close();
    }
  });

  it('close cuts calls that outlive drainMs; they fail with Unavailable', async () => {
    const f = await startEcho(() => new Promise(() => undefined));
    try {
      await until(() => f.transport.state() === 'ready');
      const p = outcome(f.client.echo({ message: '', number: 0, hops: 0 }, { timeoutMs: 5000 }));
      await until(() => f.server.stats().inFlight === 1);
      const t0 = performance.now();
      await f.server.close({ drainMs: 100 });
      expect(performance.now() - t0).toBeLessThan(1000);
      expect(await p).toBe(Code.Unavailable);
    } finally {
      await f.close();
    }
  });

  it('reconnects after the server restarts on the same port; calls on the dropped connection fail with Unavailable', async () => {
    const f = await startEcho(async (req) => {
      if (req.hops === 1) return new Promise(() => undefined);
      return { message: 'first', number: 0, remainingMs: -1 };
    });
    const port = f.server.port;
    try {
      expect((await f.client.echo({ message: '', number: 0, hops: 0 })).message).toBe('first');
      const hung = outcome(f.client.echo({ message: '', number: 0, hops: 1 }, { timeoutMs: 5000 }));
      await until(() => f.server.stats().inFlight === 1);
      await f.server.close({ drainMs: 0 });
      expect(await hung).toBe(Code.Unavailable);
      // While no server listens, calls fail fast (reconnect.test.ts); once it is back, the transport reconnects by itself.
      await sleep(100);
      const again = await startFramedServer(f.rpc, { port });
      try {
        await until(() => f.transport.state() === 'ready');
        expect((await f.client.echo({ message: '', number: 0, hops: 0 }, { timeoutMs: 3000 })).message).toBe('first');
      } finally {
        await again.close({ drainMs: 0 });
      }
    } finally {
      await f.close();
    }
  });

  it('closes the connection on malformed input without disturbing the server', async () => {
    const f = await startEcho(async (req) => ({ message: req.message, number: 0, remainingMs: -1 }));
    try {
      const helloThen = (frame: Buffer) => Buffer.concat([clientHello(), frame]);
      const badInputs: [string, Buffer][] = [
        ['garbage (an HTTP request)', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
        ['a frame header announcing 2 GiB', Buffer.concat([helloThen(Buffer.alloc(0)), Buffer.from([0x80, 0, 0, 0, 1, Kind.Request])])],
        ['a length below the minimum', Buffer.from([0, 0, 0, 2, 1, 1])],
        ['a first frame that is not HELLO', head(0, 1, Kind.Ping, 1)],
        ['HELLO without the magic', Buffer.concat([head(9, 1, Kind.Hello, 0), Buffer.alloc(9)])],
        ['HELLO offering version 0', clientHello(0)],
        ['a request with a bad version byte', helloThen(Buffer.concat([head(3, 7, Kind.Request, 1), Buffer.from([0, 0, 0])]))],
        ['a request with unknown flags', helloThen(Buffer.concat([head(3, 1, Kind.Request, 1), Buffer.from([0, 0, 0x80])]))],
        ['a request cut short inside its deadline', helloThen(Buffer.concat([head(5, 1, Kind.Request, 1), Buffer.from([0, 0, 1, 0, 0])]))],
        ['an unknown frame kind', helloThen(head(0, 1, 0x7f, 1))],
      ];
      for (const [what, bytes] of badInputs) {
        const raw = await rawClient(f.server.port);
        raw.socket.write(bytes);
        await Promise.race([raw.closed, sleep(2000).then(() => Promise.reject(new Error(`${what}: connection left open`)))]);
        // The server said why before closing: its last frame is a GOAWAY with a non-zero code.
        const got = raw.received();
        const at = got.lastIndexOf(Buffer.from([1, Kind.GoAway, 0, 0, 0, 0]));
        expect(at, what).toBeGreaterThanOrEqual(4);
        expect(got.readUInt32BE(at + 6), what).not.toBe(0);
      }
      expect(await f.client.echo({ message: 'alive', number: 0, hops: 0 })).toMatchObject({ message: 'alive' });
      await until(() => f.server.stats().connections === 2);
    } finally {
      await f.close();
    }
  });

  it('negotiates the version: a client offering a later version gets 1 and the method table', async () => {
    const f = await startEcho(async (req) => ({ message: req.message, number: 0, remainingMs: -1 }));
    try {
      const raw = await rawClient(f.server.port);
      raw.socket.write(clientHello(9));
      await until(() => raw.received().length >= 21);
      const got = raw.received();
      expect(got[5]).toBe(Kind.Hello);
      expect(got.readUInt32BE(10)).toBe(MAGIC);
      expect(got[14]).toBe(1);
      expect(got.toString('utf8')).toContain('surge.echo.v1.EchoService/Echo');
      raw.socket.destroy();
    } finally {
      await f.close();
    }
  });
});
