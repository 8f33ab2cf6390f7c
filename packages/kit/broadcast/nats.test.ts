import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { requireServer, servers, startTcpProxy } from '#kit/testing';
import { createNatsBroadcast, type Broadcast } from './index.js';
import { broadcastSuite, until } from './broadcast.suite.js';

const hasNats = await requireServer(servers.nats);
const run = randomUUID().slice(0, 8); // namespaces of this run: no other run's messages reach it
const natsUrl = `nats://${servers.nats.host}:${servers.nats.port}`;
const connections: NatsConnection[] = [];
const text = new TextDecoder();

async function open(url = natsUrl, o: { noEcho?: boolean } = {}): Promise<NatsConnection> {
  const nc = await connect({ servers: url, name: 'surge-broadcast-test', noEcho: o.noEcho ?? true, noAsyncTraces: true, maxReconnectAttempts: -1, reconnectTimeWait: 50 });
  connections.push(nc);
  return nc;
}

afterAll(async () => {
  await Promise.all(connections.map((nc) => nc.close().catch(() => undefined)));
});

describe.skipIf(!hasNats)('nats broadcast', () => {
  // Each instance has its own connection: to the server, a process of its own.
  let test = 0;
  broadcastSuite('nats', async () => {
    const prefix = `t${run}-${test++}`;
    return { instance: async (options = {}) => createNatsBroadcast({ connection: await open(), ...options, namespace: `${prefix}-${options.namespace ?? 'main'}` }) };
  });

  it('an instance cut off misses what is published meanwhile, is told when it is back, and receives again without subscribing again', async () => {
    const proxy = await startTcpProxy({ target: { host: servers.nats.host, port: servers.nats.port } });
    try {
      const namespace = `t${run}-cut`;
      const a = createNatsBroadcast({ connection: await open(), namespace });
      const b = createNatsBroadcast({ connection: await open(`nats://127.0.0.1:${proxy.port}`), namespace });
      const got: string[] = [];
      const own: string[] = [];
      let reconnects = 0;
      const stopListening = b.onReconnect(() => reconnects++);
      b.subscribe('room.1', (payload) => void got.push(text.decode(payload)));
      b.subscribe('room.2', (payload) => void own.push(text.decode(payload)));
      await b.flush();
      a.publish('room.1', 'before');
      await until(() => got.length === 1, 'before');

      proxy.cut();
      a.publish('room.1', 'while cut'); // nobody keeps it for b: at most once
      await a.flush();
      // b's own messages reach b's handlers while it is cut off: they never left the process.
      b.publish('room.2', 'own, while cut');
      await until(() => own.length === 1, 'b\'s own message while cut off');
      proxy.restore();
      await until(() => reconnects === 1, 'the reconnect');
      await b.flush(); // the restored subscription has reached the server
      a.publish('room.1', 'after');
      await until(() => got.length === 2, 'after');
      expect(got).toEqual(['before', 'after']);
      expect(own).toEqual(['own, while cut']);
      stopListening();
      await Promise.all([a.close(), b.close()]);
    } finally {
      await proxy.close();
    }
  });

  it('does not close the connection it was given; refuses a missing one at construction', async () => {
    const nc = await open();
    const broadcast: Broadcast = createNatsBroadcast({ connection: nc, namespace: `t${run}-own` });
    broadcast.subscribe('x', () => {});
    await broadcast.close();
    expect(nc.isClosed()).toBe(false);
    await nc.flush();
    expect(() => createNatsBroadcast({} as never)).toThrow(/connection/);
  });

  it('refuses a connection that the server would echo to, which would hand the instance its own messages twice', async () => {
    const echoing = await open(natsUrl, { noEcho: false });
    expect(() => createNatsBroadcast({ connection: echoing, namespace: `t${run}-echo` })).toThrow(expect.objectContaining({ code: Code.InvalidArgument, message: expect.stringMatching(/noEcho/) }));
  });

  it('hands the instance its own messages once, in publish order, interleaved with another instance\'s as they come', async () => {
    const namespace = `t${run}-once`;
    const a = createNatsBroadcast({ connection: await open(), namespace });
    const b = createNatsBroadcast({ connection: await open(), namespace });
    const onA: string[] = [];
    a.subscribe('room.9', (payload) => void onA.push(text.decode(payload)));
    await a.flush();
    for (let i = 0; i < 200; i++) a.publish('room.9', `a${i}`);
    b.publish('room.9', 'b-end');
    await until(() => onA.includes('b-end'), 'the other instance\'s message');
    await a.flush();
    expect(onA.filter((m) => m.startsWith('a'))).toEqual(Array.from({ length: 200 }, (_, i) => `a${i}`));
    expect(onA.length).toBe(201);
  });
});
