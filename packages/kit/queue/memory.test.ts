import { describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { Code } from '#kit/errors';
import { createMemoryQueue, type QueueMessage } from './index.js';
import { queueSuite } from './queue.suite.js';

queueSuite('memory', { open: async () => createMemoryQueue() });

// Let handlers started by a timer or a publish run to their next await.
const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('memory queue with a manual clock', () => {
  it('waits exactly the back-off before each retry', async () => {
    const clock = new ManualClock();
    const q = createMemoryQueue({ clock });
    const attempts: number[] = [];
    await q.subscribe('order.paid', 'ship', async (m) => {
      attempts.push(m.attempt);
      throw new Error('down');
    }, { maxAttempts: 4, backoffMs: [100, 1000] });
    await q.publish('order.paid', 1);
    await settle();
    expect(attempts).toEqual([1]);
    clock.advance(99);
    await settle();
    expect(attempts).toEqual([1]);
    clock.advance(1);
    await settle();
    expect(attempts).toEqual([1, 2]);
    clock.advance(999);
    await settle();
    expect(attempts).toEqual([1, 2]);
    clock.advance(1);
    await settle();
    expect(attempts).toEqual([1, 2, 3]);
    clock.advance(1000); // the last back-off entry repeats
    await settle();
    expect(attempts).toEqual([1, 2, 3, 4]);
    await q.close();
  });

  it('forgets a dedupKey after the dedup window', async () => {
    const clock = new ManualClock();
    const q = createMemoryQueue({ clock, dedupWindowMs: 1000 });
    const got: QueueMessage<number>[] = [];
    await q.subscribe<number>('video.liked', 'counter', async (m) => void got.push(m));
    await q.publish('video.liked', 1, { dedupKey: 'k' });
    clock.advance(999);
    await q.publish('video.liked', 2, { dedupKey: 'k' });
    clock.advance(1);
    await q.publish('video.liked', 3, { dedupKey: 'k' });
    await settle();
    expect(got.map((m) => m.data)).toEqual([1, 3]);
    await q.close();
  });

  it('gives each handler its own decoded copy', async () => {
    const q = createMemoryQueue();
    const payload = { tags: ['a'] };
    const got: QueueMessage<{ tags: string[] }>[] = [];
    await q.subscribe<{ tags: string[] }>('t', 'g1', async (m) => void got.push(m));
    await q.subscribe<{ tags: string[] }>('t', 'g2', async (m) => void got.push(m));
    await q.publish('t', payload);
    payload.tags.push('mutated after publish');
    await settle();
    expect(got).toHaveLength(2);
    expect(got[0]!.data).toEqual({ tags: ['a'] });
    expect(got[0]!.data).not.toBe(got[1]!.data);
    await q.close();
  });

  it('rejects bad adapter options at construction', () => {
    expect(() => createMemoryQueue({ dedupWindowMs: -1 })).toThrow(expect.objectContaining({ code: Code.InvalidArgument, details: { field: 'dedupWindowMs' } }));
  });
});
