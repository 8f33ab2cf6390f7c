import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { ManualClock } from '#kit/clock';
import { createDelayScheduler, createMemoryDelayStore, createRedisDelayStore, type DelaySchedulerOptions } from './index.js';
import { delaySuite } from './delay.suite.js';
import { MinHeap } from './min-heap.js';
import { MemoryDelayStore } from './memory.js';
import { seededRandom, refusalOf } from '#kit/testing';

delaySuite('memory', {
  async backing() {
    const store = createMemoryDelayStore();
    return { open: async () => store, drop: async () => {} };
  },
});

describe('memory delay store', () => {
  it('the heap pops in (time, insertion) order', () => {
    const random = seededRandom(12);
    const heap = new MinHeap();
    const pushed = Array.from({ length: 500 }, (_, seq) => ({ at: Math.floor(random() * 50), seq, id: String(seq), gen: 0 }));
    for (const entry of pushed) heap.push(entry);
    const popped = [];
    for (let entry = heap.pop(); entry; entry = heap.pop()) popped.push(entry.seq);
    expect(popped).toEqual([...pushed].sort((a, b) => a.at - b.at || a.seq - b.seq).map((e) => e.seq));
  });

  it('a cancelled id scheduled again fires at its new time, not the old one', async () => {
    const store = createMemoryDelayStore();
    const body = new Uint8Array();
    await store.schedule({ id: 'x', topic: 't', dueAt: 1000, json: false, body });
    await store.cancel('x');
    await store.schedule({ id: 'x', topic: 't', dueAt: 5000, json: false, body });
    expect(await store.claim({ nowMs: 1000, limit: 10, visibilityMs: 1000, maxAttempts: 5 })).toEqual([]);
    expect((await store.claim({ nowMs: 5000, limit: 10, visibilityMs: 1000, maxAttempts: 5 })).map((c) => c.job.id)).toEqual(['x']);
  });

  it('cancelled jobs do not hold heap entries: 20,000 scheduled and cancelled leave the heaps small', async () => {
    const store = createMemoryDelayStore() as MemoryDelayStore;
    const body = new Uint8Array();
    await store.schedule({ id: 'keeper', topic: 't', dueAt: 10_000_000, json: false, body });
    for (let i = 0; i < 20_000; i++) {
      await store.schedule({ id: `order-${i}`, topic: 't', dueAt: 1_800_000 + i, json: false, body });
      await store.cancel(`order-${i}`);
    }
    expect(store.heapEntries).toBeLessThanOrEqual(1025);
    expect(await store.counts()).toEqual({ due: 1, running: 0, dead: 0 });
    expect((await store.claim({ nowMs: 10_000_000, limit: 10, visibilityMs: 1000, maxAttempts: 5 })).map((c) => c.job.id)).toEqual(['keeper']);
  });

  it('keeps at most maxDeadLetters, dropping the oldest', async () => {
    const store = createMemoryDelayStore({ maxDeadLetters: 2 });
    for (const id of ['a', 'b', 'c']) {
      await store.schedule({ id, topic: 't', dueAt: 0, json: false, body: new Uint8Array() });
      const [claim] = await store.claim({ nowMs: 0, limit: 1, visibilityMs: 1000, maxAttempts: 1 });
      expect(await store.bury(claim!, 0, 'no')).toBe(true);
    }
    expect((await store.deadLetters(10)).map((d) => d.job.id)).toEqual(['c', 'b']);
  });
});

describe('delay options', () => {
  const store = createMemoryDelayStore();
  const invalid = (fn: () => unknown, field: string) => expect(refusalOf(fn, Code.InvalidArgument).details?.field).toBe(field);
  const make = (o: Partial<DelaySchedulerOptions>) => createDelayScheduler({ store, clock: new ManualClock(), ...o });

  it('bad options fail at construction with InvalidArgument naming the option', () => {
    invalid(() => createDelayScheduler(undefined as unknown as DelaySchedulerOptions), 'store');
    invalid(() => make({ pollIntervalMs: 0 }), 'pollIntervalMs');
    invalid(() => make({ batchSize: 0 }), 'batchSize');
    invalid(() => make({ concurrency: 1.5 }), 'concurrency');
    invalid(() => make({ visibilityTimeoutMs: 50 }), 'visibilityTimeoutMs');
    invalid(() => make({ maxAttempts: 0 }), 'maxAttempts');
    invalid(() => make({ backoffMs: [] }), 'backoffMs');
    invalid(() => make({ backoffMs: [100, -1] }), 'backoffMs');
    invalid(() => make({ handlers: { 'bad topic': async () => {} } }), 'handlers');
    invalid(() => make({ handlers: { t: 'not a function' as never } }), 'handlers');
    invalid(() => createMemoryDelayStore({ maxDeadLetters: -1 }), 'maxDeadLetters');
    invalid(() => createRedisDelayStore({ redis: undefined as never, namespace: 'n' }), 'redis');
  });

  it('a scheduler without handlers only schedules: poll() claims nothing', async () => {
    const local = createMemoryDelayStore();
    const clock = new ManualClock();
    const producer = createDelayScheduler({ store: local, clock });
    await producer.schedule({ id: 'p', topic: 't', data: 0, delayMs: 0 });
    clock.advance(10_000);
    expect(await producer.poll()).toBe(0);
    expect(await local.counts()).toEqual({ due: 1, running: 0, dead: 0 });
    await producer.close();
  });

  it('a bad job is refused by schedule() naming the field, and nothing is stored', async () => {
    const local = createMemoryDelayStore();
    const s = createDelayScheduler({ store: local, clock: new ManualClock() });
    const refused = async (request: Parameters<typeof s.schedule>[0], field: string) => {
      await expect(s.schedule(request)).rejects.toMatchObject({ code: Code.InvalidArgument, details: { field } });
    };
    await refused({ id: '', topic: 't', data: 0, delayMs: 0 }, 'id');
    await refused({ id: 'has space', topic: 't', data: 0, delayMs: 0 }, 'id');
    await refused({ id: 'x'.repeat(201), topic: 't', data: 0, delayMs: 0 }, 'id');
    await refused({ id: 'a', topic: 'no\nnewline', data: 0, delayMs: 0 }, 'topic');
    await refused({ id: 'a', topic: 't', data: 0 }, 'at');
    await refused({ id: 'a', topic: 't', data: 0, at: 1, delayMs: 1 }, 'at');
    await refused({ id: 'a', topic: 't', data: 0, at: Number.NaN }, 'at');
    await refused({ id: 'a', topic: 't', data: 0, delayMs: -1 }, 'delayMs');
    await refused({ id: 'a', topic: 't', data: 10n, delayMs: 0 }, 'data');
    await refused({ id: 'a', topic: 't', data: undefined, delayMs: 0 }, 'data');
    expect(await local.counts()).toEqual({ due: 0, running: 0, dead: 0 });
    await s.close();
  });
});
