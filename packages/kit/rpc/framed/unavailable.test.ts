import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Code, errors, SurgeError } from '#kit/errors';
import { EchoServiceDefinition } from '#gen/surge/echo/v1/echo';
import { createClient } from '../client.js';
import { Kind } from './frame.js';
import { rawServer, startEcho, until } from './testing/fixture.js';
import { createFramedTransport } from './transport.js';

async function failure(p: Promise<unknown>): Promise<SurgeError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof SurgeError)) throw new Error(`expected a SurgeError, got ${String(e)}`);
  return e;
}

const sent = (e: SurgeError) => e.details?.sent;

describe('framed Unavailable errors say whether the request was sent (details.sent)', () => {
  it('never written: refused connection, closed transport, full send queue → sent false', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const refused = createFramedTransport({ port });
    const client = createClient(EchoServiceDefinition, refused);
    const e1 = await failure(client.echo({ message: '', number: 0, hops: 0 }, { timeoutMs: 5000 }));
    expect([e1.code, sent(e1), e1.details?.dependency]).toEqual([Code.Unavailable, false, `framed 127.0.0.1:${port}`]);
    await refused.close();
    const e2 = await failure(client.echo({ message: '', number: 0, hops: 0 }));
    expect([e2.code, sent(e2)]).toEqual([Code.Unavailable, false]);

    const peer = await rawServer('stop-reading');
    const full = createFramedTransport({ port: peer.port, connections: 1, maxQueuedBytes: 1 << 20 });
    const fullClient = createClient(EchoServiceDefinition, full);
    try {
      await until(() => full.state() === 'ready');
      // One request larger than the whole send budget is refused before anything is written.
      const e3 = await failure(fullClient.echo({ message: 'x'.repeat(2 << 20), number: 0, hops: 0 }, { timeoutMs: 5000 }));
      expect([e3.code, sent(e3)]).toEqual([Code.Unavailable, false]);
    } finally {
      await Promise.race([full.close(), new Promise((r) => setTimeout(r, 100))]);
      await peer.close();
    }
  });

  it('written, then the connection died before the reply → sent true', async () => {
    const f = await startEcho(() => new Promise(() => undefined));
    try {
      await until(() => f.transport.state() === 'ready');
      const p = failure(f.client.echo({ message: '', number: 0, hops: 0 }, { timeoutMs: 5000 }));
      await until(() => f.server.stats().inFlight === 1);
      await f.server.close({ drainMs: 0 });
      const e = await p;
      expect([e.code, sent(e)]).toEqual([Code.Unavailable, true]);
    } finally {
      await f.close();
    }
  });

  it('the connection dies with calls written and calls still queued behind a full socket: the first sent, the rest not', async () => {
    const peer = await rawServer('stop-reading');
    // One connection, a budget the stuck request fits in: later calls queue behind it.
    const transport = createFramedTransport({ port: peer.port, connections: 1, maxQueuedBytes: 12 << 20 });
    const client = createClient(EchoServiceDefinition, transport);
    try {
      await until(() => transport.state() === 'ready');
      // 11 MiB: far more than the kernel takes from a peer that never reads, so the socket never drains.
      const stuck = failure(client.echo({ message: 'b'.repeat(11 << 20), number: 0, hops: 0 }, { timeoutMs: 10_000 }));
      await until(() => peer.frames().includes(Kind.Request) || transport.stats().queuedBytes > 0);
      await new Promise((r) => setTimeout(r, 20));
      const queued = Array.from({ length: 10 }, (_, i) => failure(client.echo({ message: 'small', number: i + 1, hops: 0 }, { timeoutMs: 10_000 })));
      await new Promise((r) => setTimeout(r, 20));
      await peer.close();
      const first = await stuck;
      expect([first.code, sent(first)]).toEqual([Code.Unavailable, true]);
      for (const e of await Promise.all(queued)) expect([e.code, sent(e)]).toEqual([Code.Unavailable, false]);
    } finally {
      await transport.close();
    }
  });

  it('an Unavailable the server answered with is sent true, whatever its own details said', async () => {
    const f = await startEcho(async (req) => {
      if (req.hops === 1) throw errors.unavailable('database');
      // As if the handler passed on a failure of its own call that was never sent.
      throw new SurgeError(Code.Unavailable, 'inventory is unavailable', { details: { dependency: 'inventory', sent: false } });
    });
    try {
      const db = await failure(f.client.echo({ message: '', number: 0, hops: 1 }));
      expect(db.details).toEqual({ dependency: 'database', sent: true });
      const nested = await failure(f.client.echo({ message: '', number: 0, hops: 2 }));
      expect(nested.details).toEqual({ dependency: 'inventory', sent: true });
      expect(nested.message).toBe('inventory is unavailable');
    } finally {
      await f.close();
    }
  });
});
