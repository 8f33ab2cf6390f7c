import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Code, type SurgeError } from '#kit/errors';
import { requireServer, servers } from '#kit/testing';
import { connectJetStreamQueue, deadLetterHeader, deadLetterTopic, streamName, type JetStreamQueueOptions, type QueueMessage } from './index.js';
import { freshTopic, queueSuite, waitFor } from './queue.suite.js';

const hasNats = await requireServer(servers.nats);
const url = `nats://${servers.nats.host}:${servers.nats.port}`;
const namespace = `test_${Date.now().toString(36)}_${process.pid}`;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A TCP proxy to NATS the test can cut, so "the server went away" never touches the shared server. */
async function startProxy(): Promise<{ url: string; cut: () => void }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(servers.nats.port, servers.nats.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => { client.destroy(); upstream.destroy(); });
      s.on('close', () => { client.destroy(); upstream.destroy(); });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `nats://127.0.0.1:${port}`,
    cut: () => {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
}

describe.skipIf(!hasNats)('jetstream queue', () => {
  const base: JetStreamQueueOptions = { servers: url, namespace, name: 'surge-queue-test' };

  afterAll(async () => {
    const nc = await connect({ servers: url });
    try {
      await (await jetstreamManager(nc)).streams.delete(streamName(namespace));
    } finally {
      await nc.close();
    }
  });

  queueSuite('jetstream', { open: () => connectJetStreamQueue(base) });

  it('delivers to a group what was published while no process of it ran', async () => {
    const topic = freshTopic('user.registered');
    const first = await connectJetStreamQueue(base);
    await (await first.subscribe(topic, 'welcome', async () => undefined)).close();
    await first.close();

    const publisher = await connectJetStreamQueue(base);
    for (let i = 0; i < 3; i++) await publisher.publish(topic, i);
    await publisher.close();

    const second = await connectJetStreamQueue(base);
    const got: number[] = [];
    await second.subscribe<number>(topic, 'welcome', async (m) => void got.push(m.data));
    await waitFor(() => got.length >= 3);
    await sleep(50);
    expect(got.sort()).toEqual([0, 1, 2]);
    await second.close();
  });

  it('heartbeats a slow handler, and redelivers when its process dies', async () => {
    const topic = freshTopic('video.uploaded');
    const proxy = await startProxy();
    const background: SurgeError[] = [];
    const dying = await connectJetStreamQueue({ ...base, servers: proxy.url, maxReconnectAttempts: 0, requestTimeoutMs: 1000, onError: (e) => void background.push(e) });
    const survivor = await connectJetStreamQueue(base);
    let release!: () => void;
    const stuck = new Promise<void>((r) => (release = r));
    let startedOnDying = 0;
    await dying.subscribe(topic, 'transcode', async () => {
      startedOnDying++;
      await stuck;
    }, { ackWaitMs: 500 });
    await survivor.publish(topic, 42);
    await waitFor(() => startedOnDying === 1);
    // The survivor joins the group while the slow handler holds the message.
    const onSurvivor: QueueMessage<number>[] = [];
    await survivor.subscribe<number>(topic, 'transcode', async (m) => void onSurvivor.push(m), { ackWaitMs: 500 });
    // Three ack-wait periods pass: the heartbeats keep the message with the live slow handler.
    await sleep(1500);
    expect(onSurvivor).toHaveLength(0);
    const cutAt = performance.now();
    proxy.cut();
    await waitFor(() => onSurvivor.length === 1, 5000, 'redelivery');
    expect(performance.now() - cutAt).toBeGreaterThanOrEqual(300);
    expect(onSurvivor[0]!.data).toBe(42);
    expect(onSurvivor[0]!.attempt).toBe(2);
    proxy.cut();
    release();
    await dying.close();
    await survivor.close();
  });

  it('dead-letters a payload that does not decode at once, keeping its bytes, without running the handler', async () => {
    const topic = freshTopic('user.registered');
    const q = await connectJetStreamQueue(base);
    let runs = 0;
    await q.subscribe(topic, 'mailer', async () => void runs++, { maxAttempts: 5 });
    // Another tool publishes bytes that are not JSON straight onto the subject.
    const nc = await connect({ servers: url });
    try {
      const bad = new TextEncoder().encode('{not json');
      await jetstream(nc).publish(`${namespace}.${topic}`, bad);
      // Read the dead letter from the stream itself: a JSON handler could not decode it either.
      const jsm = await jetstreamManager(nc);
      const last = () => jsm.streams.getMessage(streamName(namespace), { last_by_subj: `${namespace}.${deadLetterTopic(topic)}` }).catch(() => null);
      let dead = await last();
      for (let i = 0; i < 100 && !dead; i++) dead = await sleep(20).then(last);
      expect(dead).not.toBeNull();
      expect(runs).toBe(0);
      expect(dead!.data).toEqual(bad);
      expect(dead!.header.get(deadLetterHeader.attempts)).toBe('1');
      expect(dead!.header.get(deadLetterHeader.error)).toMatch(/^payload could not be decoded/);
    } finally {
      await nc.close();
    }
    await q.close();
  });

  it('ping() says Unavailable naming nats when the server is gone', async () => {
    const proxy = await startProxy();
    const q = await connectJetStreamQueue({ ...base, servers: proxy.url, requestTimeoutMs: 500, maxReconnectAttempts: 1 });
    await expect(q.ping()).resolves.toBeUndefined();
    proxy.cut();
    await expect(q.ping()).rejects.toMatchObject({ code: Code.Unavailable, details: { dependency: 'nats' } });
    await q.close();
  });

  it('connect fails with Unavailable when nothing listens', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((r) => server.close(r));
    await expect(connectJetStreamQueue({ ...base, servers: `nats://127.0.0.1:${port}`, requestTimeoutMs: 500, maxReconnectAttempts: 0 }))
      .rejects.toMatchObject({ code: Code.Unavailable, details: { dependency: 'nats' } });
  });

  it('rejects bad options at construction, naming them', async () => {
    await expect(connectJetStreamQueue({ ...base, namespace: 'a.b' })).rejects.toMatchObject({ code: Code.InvalidArgument, details: { field: 'namespace' } });
    await expect(connectJetStreamQueue({ servers: [] })).rejects.toMatchObject({ code: Code.InvalidArgument, details: { field: 'servers' } });
  });
});
