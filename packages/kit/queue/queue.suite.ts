// The behaviour every Queue adapter must show. Each adapter's test file calls queueSuite() with a
// factory; open() may be called more than once per test and returns a queue on the same backing
// store (for JetStream a new connection, like a second process).
import { afterEach, describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { deadLetterHeader, deadLetterTopic, type Queue, type QueueMessage } from './index.js';

export interface QueueHarness {
  open(): Promise<Queue>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until cond() holds; fails after timeoutMs. */
export async function waitFor(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

let seq = 0;
/** A topic no other test (or earlier run) uses. */
export const freshTopic = (base: string) => `${base}.t${Date.now().toString(36)}-${process.pid}-${++seq}`;

export function queueSuite(name: string, harness: QueueHarness): void {
  describe(`${name}: queue behaviour`, () => {
    const opened: Queue[] = [];
    const open = async () => {
      const q = await harness.open();
      opened.push(q);
      return q;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((q) => q.close()));
    });

    it('delivers a published message with its data, headers and metadata', async () => {
      const q = await open();
      const topic = freshTopic('user.registered');
      const got: QueueMessage<{ userId: number; name: string }>[] = [];
      await q.subscribe<{ userId: number; name: string }>(topic, 'welcome', async (m) => void got.push(m));
      const before = Date.now();
      await q.publish(topic, { userId: 2 ** 40 + 1, name: '小明' }, { headers: { 'trace-id': 'abc' } });
      await waitFor(() => got.length === 1);
      const m = got[0]!;
      expect(m.data).toEqual({ userId: 2 ** 40 + 1, name: '小明' });
      expect(m.topic).toBe(topic);
      expect(m.headers).toEqual({ 'trace-id': 'abc' });
      expect(m.attempt).toBe(1);
      expect(m.id).toMatch(/.+/);
      expect(m.publishedAt).toBeGreaterThanOrEqual(before - 1000);
      await sleep(50);
      expect(got).toHaveLength(1);
    });

    it('shares a group among its subscribers: 20 messages, each handled once in total', async () => {
      const q = await open();
      const topic = freshTopic('video.liked');
      const seen = new Map<number, number>();
      const perSubscriber = [0, 0];
      const handler = (i: number) => async (m: QueueMessage<number>) => {
        await sleep(10); // slow enough that one subscriber cannot take everything
        perSubscriber[i]!++;
        seen.set(m.data, (seen.get(m.data) ?? 0) + 1);
      };
      await q.subscribe(topic, 'counter', handler(0), { concurrency: 2 });
      await q.subscribe(topic, 'counter', handler(1), { concurrency: 2 });
      for (let i = 0; i < 20; i++) await q.publish(topic, i);
      await waitFor(() => perSubscriber[0]! + perSubscriber[1]! >= 20);
      await sleep(100);
      expect([...seen.keys()].sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
      expect(perSubscriber[0]! + perSubscriber[1]!).toBe(20);
      expect(perSubscriber[0]).toBeGreaterThan(0);
      expect(perSubscriber[1]).toBeGreaterThan(0);
    });

    it('gives every message to each of two groups', async () => {
      const q = await open();
      const topic = freshTopic('video.liked');
      const a: number[] = [];
      const b: number[] = [];
      await q.subscribe<number>(topic, 'feed', async (m) => void a.push(m.data));
      await q.subscribe<number>(topic, 'stats', async (m) => void b.push(m.data));
      for (let i = 0; i < 10; i++) await q.publish(topic, i);
      await waitFor(() => a.length >= 10 && b.length >= 10);
      await sleep(50);
      expect(a.sort((x, y) => x - y)).toEqual([...Array(10).keys()]);
      expect(b.sort((x, y) => x - y)).toEqual([...Array(10).keys()]);
    });

    it('retries a failing handler after the back-off, then succeeds', async () => {
      const q = await open();
      const topic = freshTopic('order.paid');
      const at: { attempt: number; t: number }[] = [];
      let done = false;
      await q.subscribe(topic, 'ship', async (m) => {
        at.push({ attempt: m.attempt, t: performance.now() });
        if (m.attempt < 3) throw new Error('database busy');
        done = true;
      }, { maxAttempts: 5, backoffMs: [40, 80] });
      await q.publish(topic, { orderId: 7 });
      await waitFor(() => done);
      await sleep(50);
      expect(at.map((a) => a.attempt)).toEqual([1, 2, 3]);
      // Timers may fire a millisecond early against performance.now(); the back-off is what we check.
      expect(at[1]!.t - at[0]!.t).toBeGreaterThanOrEqual(40 - 2);
      expect(at[2]!.t - at[1]!.t).toBeGreaterThanOrEqual(80 - 2);
    });

    it('dead-letters after maxAttempts with headers saying why, and stops retrying', async () => {
      const q = await open();
      const topic = freshTopic('user.registered');
      let runs = 0;
      const dead: QueueMessage<{ userId: number }>[] = [];
      await q.subscribe<{ userId: number }>(deadLetterTopic(topic), 'inspect', async (m) => void dead.push(m));
      await q.subscribe(topic, 'mailer', async () => {
        runs++;
        throw new Error('smtp refused\r\nline two');
      }, { maxAttempts: 3, backoffMs: [10] });
      await q.publish(topic, { userId: 9 }, { headers: { 'trace-id': 't9' } });
      await waitFor(() => dead.length === 1);
      await sleep(100);
      expect(runs).toBe(3);
      expect(dead).toHaveLength(1);
      const d = dead[0]!;
      expect(d.topic).toBe(deadLetterTopic(topic));
      expect(d.data).toEqual({ userId: 9 });
      expect(d.headers).toEqual({
        'trace-id': 't9',
        [deadLetterHeader.topic]: topic,
        [deadLetterHeader.group]: 'mailer',
        [deadLetterHeader.attempts]: '3',
        [deadLetterHeader.error]: 'smtp refused line two',
      });
    });

    it('drops a second publish with the same dedupKey', async () => {
      const q = await open();
      const topic = freshTopic('video.liked');
      const got: QueueMessage<string>[] = [];
      await q.subscribe<string>(topic, 'counter', async (m) => void got.push(m));
      const key = `like-${Date.now()}-${Math.random()}`;
      await q.publish(topic, 'first', { dedupKey: key });
      await q.publish(topic, 'again', { dedupKey: key });
      await q.publish(topic, 'again', { dedupKey: key });
      await q.publish(topic, 'other', { dedupKey: `${key}-2` });
      await waitFor(() => got.length >= 2);
      await sleep(100);
      expect(got.map((m) => m.data).sort()).toEqual(['first', 'other']);
      expect(got.find((m) => m.data === 'first')!.id).toBe(key);
    });

    it('runs at most `concurrency` handlers at once per subscriber', async () => {
      const q = await open();
      const topic = freshTopic('feed.push');
      let running = 0;
      let peak = 0;
      let done = 0;
      await q.subscribe(topic, 'push', async () => {
        peak = Math.max(peak, ++running);
        await sleep(20);
        running--;
        done++;
      }, { concurrency: 3 });
      for (let i = 0; i < 12; i++) await q.publish(topic, i);
      await waitFor(() => done === 12);
      expect(peak).toBe(3);
    });

    it('close() waits for in-flight handlers, and their acks stick', async () => {
      const q = await open();
      const topic = freshTopic('video.uploaded');
      let started = 0;
      let finished = 0;
      await q.subscribe(topic, 'transcode', async () => {
        started++;
        await sleep(150);
        finished++;
      });
      await q.publish(topic, 1);
      await q.publish(topic, 2);
      await waitFor(() => started === 2);
      await q.close();
      expect(finished).toBe(2);
      await expect(q.publish(topic, 3)).rejects.toMatchObject({ code: Code.FailedPrecondition });
      // A later subscriber of the same group gets nothing: both messages were acked before close resolved.
      const q2 = await open();
      let again = 0;
      await q2.subscribe(topic, 'transcode', async () => void again++);
      await sleep(300);
      expect(again).toBe(0);
    });

    it('keeps messages for a group while none of its subscribers runs', async () => {
      const q = await open();
      const topic = freshTopic('comment.posted');
      const first = await q.subscribe(topic, 'notify', async () => undefined);
      await first.close();
      for (let i = 0; i < 5; i++) await q.publish(topic, i);
      const got: QueueMessage<number>[] = [];
      await q.subscribe<number>(topic, 'notify', async (m) => void got.push(m));
      await waitFor(() => got.length >= 5);
      expect(got.map((m) => m.data).sort()).toEqual([0, 1, 2, 3, 4]);
      expect(got.every((m) => m.attempt === 1)).toBe(true);
    });

    it('starts a new group at its first subscribe: earlier messages are not replayed', async () => {
      const q = await open();
      const topic = freshTopic('comment.posted');
      await q.publish(topic, 'before');
      const got: string[] = [];
      await q.subscribe<string>(topic, 'late', async (m) => void got.push(m.data));
      await q.publish(topic, 'after');
      await waitFor(() => got.length >= 1);
      await sleep(100);
      expect(got).toEqual(['after']);
    });

    it('rejects bad names and options with InvalidArgument naming the field', async () => {
      const q = await open();
      const invalid = (field: string) => ({ code: Code.InvalidArgument, details: { field } });
      await expect(q.publish('bad topic', 1)).rejects.toMatchObject(invalid('topic'));
      await expect(q.publish('a.*', 1)).rejects.toMatchObject(invalid('topic'));
      await expect(q.publish('ok', 1, { headers: { 'surge-id': 'x' } })).rejects.toMatchObject(invalid('headers'));
      await expect(q.publish('ok', 1n)).rejects.toMatchObject(invalid('data'));
      await expect(q.subscribe('ok', 'a_b', async () => undefined)).rejects.toMatchObject(invalid('group'));
      await expect(q.subscribe('ok', 'g', async () => undefined, { maxAttempts: 0 })).rejects.toMatchObject(invalid('maxAttempts'));
      await expect(q.subscribe('ok', 'g', async () => undefined, { backoffMs: [] })).rejects.toMatchObject(invalid('backoffMs'));
      await expect(q.ping()).resolves.toBeUndefined();
      await expect(q.publish('ok', 1)).resolves.toBeUndefined();
    });
  });
}
