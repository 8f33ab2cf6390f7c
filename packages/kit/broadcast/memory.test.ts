import { expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { createMemoryBroadcast, createMemoryBroadcastBus } from './index.js';
import { broadcastSuite, until } from './broadcast.suite.js';

// Instances of one test share a bus, as gateways in one process would.
broadcastSuite('memory', async () => {
  const bus = createMemoryBroadcastBus();
  return { instance: async (options) => createMemoryBroadcast({ bus, ...options }) };
});

const text = new TextDecoder();

it('delivers after publish returns, in publish order, a handler\'s own publish queued behind the rest', async () => {
  const broadcast = createMemoryBroadcast();
  const seen: string[] = [];
  broadcast.subscribe('room.1', (payload) => {
    const m = text.decode(payload);
    if (m === 'first') broadcast.publish('room.1', 'nested');
  });
  broadcast.subscribe('room.1', (payload) => void seen.push(text.decode(payload)));
  broadcast.publish('room.1', 'first');
  broadcast.publish('room.1', 'second');
  expect(seen).toEqual([]); // nothing runs inside publish
  await until(() => seen.length === 3, 'three deliveries');
  expect(seen).toEqual(['first', 'second', 'nested']);
});

it('instances on different buses never see each other; flush waits for queued deliveries', async () => {
  const a = createMemoryBroadcast();
  const b = createMemoryBroadcast();
  const onA: string[] = [], onB: string[] = [];
  a.subscribe('s', (p) => void onA.push(text.decode(p)));
  b.subscribe('s', (p) => void onB.push(text.decode(p)));
  a.publish('s', 'x');
  await a.flush();
  expect(onA).toEqual(['x']);
  expect(onB).toEqual([]);
});

it('refuses bad options at construction, naming the option', () => {
  expect(() => createMemoryBroadcast({ maxPayloadBytes: 0 })).toThrow(/maxPayloadBytes/);
  expect(() => createMemoryBroadcast({ namespace: 'a.b' })).toThrow(/namespace/);
  expect(() => createMemoryBroadcast({ bus: {} as never })).toThrow(expect.objectContaining({ code: Code.InvalidArgument }));
  expect(() => createMemoryBroadcast({ onError: 'log' as never })).toThrow(/onError/);
});
