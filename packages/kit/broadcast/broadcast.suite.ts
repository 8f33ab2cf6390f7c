// The behaviour every Broadcast adapter must show, with several instances (for NATS, a connection
// each: separate processes as far as the server can tell). Run by memory.test.ts and nats.test.ts.
//
// Proving that something did NOT arrive needs no sleeping: a message sent later on a path that
// would have carried it (same publisher, or published after the first was seen elsewhere) is
// awaited instead; a broker writes to one connection in the order it routes, so had the first
// been delivered, it would be here already.
import { describe, expect, it } from 'vitest';
import { Code, type SurgeError } from '#kit/errors';
import type { Broadcast } from './index.js';

export interface BroadcastHarness {
  /** A new instance on the shared bus or server. `namespace` is a short label the harness may make unique per run. */
  instance(options?: { namespace?: string; onError?: (err: SurgeError) => void }): Promise<Broadcast>;
}

const text = new TextDecoder();
const utf8 = new TextEncoder();

/** Waits for a condition (never for a span of time); the deadline only turns a hang into a failure. */
export async function until(condition: () => boolean, what: string, deadlineMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > deadlineMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** A handler that keeps what it got, as text. */
function collector(): { got: string[]; handler: (payload: Uint8Array) => void } {
  const got: string[] = [];
  return { got, handler: (payload) => void got.push(text.decode(payload)) };
}

export function broadcastSuite(label: string, harness: () => Promise<BroadcastHarness>): void {
  describe(`broadcast behaviour: ${label}`, () => {
    it('every subscriber on every instance, the publisher\'s own included, gets each message exactly once', async () => {
      const h = await harness();
      const [a, b, c] = await Promise.all([h.instance(), h.instance(), h.instance()]);
      const onA = collector(), onB1 = collector(), onB2 = collector(), onC = collector();
      a.subscribe('chat.room.1', onA.handler);
      b.subscribe('chat.room.1', onB1.handler);
      b.subscribe('chat.room.1', onB2.handler);
      c.subscribe('chat.room.1', onC.handler);
      await Promise.all([a.flush(), b.flush(), c.flush()]);
      for (const m of ['m0', 'm1', 'm2', 'end']) a.publish('chat.room.1', m);
      const all = [onA, onB1, onB2, onC];
      await until(() => all.every((x) => x.got.includes('end')), 'the last message on every subscriber');
      for (const x of all) expect(x.got).toEqual(['m0', 'm1', 'm2', 'end']);
    });

    it('keeps each publisher\'s order per subject: 1,000 messages over two subjects, two publishers on one', async () => {
      const h = await harness();
      const [a, b, c] = await Promise.all([h.instance(), h.instance(), h.instance()]);
      const one = collector(), two = collector();
      c.subscribe('order.one', one.handler);
      c.subscribe('order.two', two.handler);
      await c.flush();
      for (let i = 0; i < 500; i++) {
        a.publish('order.one', `a${i}`);
        a.publish('order.two', `a${i}`);
        b.publish('order.one', `b${i}`);
      }
      await until(() => one.got.length === 1000 && two.got.length === 500, 'every message');
      const range = (p: string) => Array.from({ length: 500 }, (_, i) => `${p}${i}`);
      expect(one.got.filter((m) => m.startsWith('a'))).toEqual(range('a'));
      expect(one.got.filter((m) => m.startsWith('b'))).toEqual(range('b'));
      expect(two.got).toEqual(range('a'));
    });

    it('unsubscribe stops delivery to that handler only, takes effect inside a delivery, and a subject can be subscribed again', async () => {
      const h = await harness();
      const [a, b] = await Promise.all([h.instance(), h.instance()]);
      const first = collector(), third = collector(), last = collector();
      const subFirst = b.subscribe('room.7', first.handler);
      // A handler that unsubscribes the one after it: that one is not called even for this message.
      let victim: { unsubscribe(): void } | undefined;
      const killer = b.subscribe('room.7', (payload) => {
        if (text.decode(payload) === 'm2') victim?.unsubscribe();
      });
      victim = b.subscribe('room.7', third.handler);
      const subLast = b.subscribe('room.7', last.handler);
      await b.flush();
      a.publish('room.7', 'm1');
      await until(() => last.got.length === 1, 'm1');
      subFirst.unsubscribe();
      subFirst.unsubscribe(); // idempotent
      a.publish('room.7', 'm2');
      await until(() => last.got.length === 2, 'm2');
      expect(first.got).toEqual(['m1']);
      expect(third.got).toEqual(['m1']);

      // Every handler of the subject on b goes (its broker subscription with them), then one comes back.
      killer.unsubscribe();
      subLast.unsubscribe();
      const again = collector();
      b.subscribe('room.7', again.handler);
      await b.flush();
      a.publish('room.7', 'm3');
      await until(() => again.got.length === 1, 'm3 after subscribing again');
      expect(again.got).toEqual(['m3']);
      expect([first.got, third.got, last.got]).toEqual([['m1'], ['m1'], ['m1', 'm2']]);
    });

    it('an instance whose only handler of a subject unsubscribed gets nothing more of it', async () => {
      const h = await harness();
      const [a, b] = await Promise.all([h.instance(), h.instance()]);
      const room = collector(), marker = collector();
      const sub = b.subscribe('room.1', room.handler);
      b.subscribe('marker', marker.handler);
      await b.flush();
      a.publish('room.1', 'before');
      await until(() => room.got.length === 1, 'before');
      sub.unsubscribe();
      await b.flush();
      a.publish('room.1', 'after');
      a.publish('marker', 'sent after it'); // same publisher, later: had `after` come, it came first
      await until(() => marker.got.length === 1, 'the marker');
      expect(room.got).toEqual(['before']);
    });

    it('namespaces keep instances apart; subjects match exactly; wildcards and bad subjects are refused', async () => {
      const h = await harness();
      const [one, oneAgain, two] = await Promise.all([h.instance({ namespace: 'one' }), h.instance({ namespace: 'one' }), h.instance({ namespace: 'two' })]);
      const inOne = collector(), inTwo = collector(), longer = collector();
      oneAgain.subscribe('chat.room.1', inOne.handler);
      oneAgain.subscribe('chat.room.10', longer.handler);
      two.subscribe('chat.room.1', inTwo.handler);
      await Promise.all([oneAgain.flush(), two.flush()]);
      one.publish('chat.room.1', 'for one');
      await until(() => inOne.got.length === 1, 'delivery within the namespace');
      // Published after `for one` was seen: had `for one` been routed to `two`, it would be there first.
      const other = await h.instance({ namespace: 'two' });
      other.publish('chat.room.1', 'for two');
      await until(() => inTwo.got.length === 1, 'delivery within the other namespace');
      expect(inTwo.got).toEqual(['for two']);
      expect(inOne.got).toEqual(['for one']);
      expect(longer.got).toEqual([]);

      for (const bad of ['chat.room.*', 'chat.>', '>', '', 'a..b', '.a', 'a.', 'has space', 'a\tb', 'x'.repeat(300)]) {
        expect(() => one.subscribe(bad, () => {}), bad).toThrow(expect.objectContaining({ code: Code.InvalidArgument }));
        expect(() => one.publish(bad, 'x'), bad).toThrow(expect.objectContaining({ code: Code.InvalidArgument }));
      }
      await expect(h.instance({ namespace: 'bad.name' })).rejects.toMatchObject({ code: Code.InvalidArgument });
      expect(() => one.subscribe('ok', 'not a function' as never)).toThrow(expect.objectContaining({ code: Code.InvalidArgument }));
    });

    it('a handler that throws or rejects does not stop the others; each failure reaches onError with its cause', async () => {
      const h = await harness();
      const failures: SurgeError[] = [];
      const [a, b, c] = await Promise.all([h.instance(), h.instance({ onError: (err) => failures.push(err) }), h.instance()]);
      const boom = new Error('handler bug');
      b.subscribe('room.3', () => {
        throw boom;
      });
      b.subscribe('room.3', async () => {
        throw boom;
      });
      const onB = collector(), onC = collector();
      b.subscribe('room.3', onB.handler);
      c.subscribe('room.3', onC.handler);
      await Promise.all([b.flush(), c.flush()]);
      for (let i = 0; i < 5; i++) a.publish('room.3', `m${i}`);
      await until(() => onB.got.length === 5 && onC.got.length === 5 && failures.length === 10, 'every delivery and every failure');
      expect(onB.got).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
      expect(failures.every((f) => f.code === Code.Internal && f.cause === boom && f.details?.subject === 'room.3')).toBe(true);
    });

    it('close stops every delivery to the instance and refuses its calls; the other instances carry on', async () => {
      const h = await harness();
      const [a, b, c] = await Promise.all([h.instance(), h.instance(), h.instance()]);
      const onB = collector(), onC = collector();
      b.subscribe('room.5', onB.handler);
      b.subscribe('room.6', onB.handler);
      c.subscribe('room.5', onC.handler);
      await Promise.all([b.flush(), c.flush()]);
      a.publish('room.5', 'before');
      await until(() => onB.got.length === 1 && onC.got.length === 1, 'before');
      a.publish('room.5', 'in flight'); // may be on its way to b when it closes: dropped all the same
      await b.close();
      await b.close(); // idempotent
      a.publish('room.5', 'after');
      a.publish('room.6', 'after');
      await until(() => onC.got.length === 3, 'deliveries to the open instance');
      await a.flush();
      await c.flush();
      expect(onB.got).toEqual(['before']);
      expect(() => b.publish('room.5', 'x')).toThrow(expect.objectContaining({ code: Code.FailedPrecondition }));
      expect(() => b.subscribe('room.5', () => {})).toThrow(expect.objectContaining({ code: Code.FailedPrecondition }));
      await expect(b.flush()).rejects.toMatchObject({ code: Code.FailedPrecondition });
    });

    it('delivers payload bytes unchanged: every byte value, UTF-8 Chinese text, empty, and near the size limit; past it PayloadTooLarge', async () => {
      const h = await harness();
      const [a, b] = await Promise.all([h.instance(), h.instance()]);
      const got: Uint8Array[] = [];
      const subjects: string[] = [];
      b.subscribe('bytes', (payload, subject) => {
        got.push(Uint8Array.from(payload));
        subjects.push(subject);
      });
      await b.flush();
      const binary = new Uint8Array(1024).map((_, i) => (i * 7) % 256); // includes 0x00, \r\n and invalid UTF-8
      const chinese = '聊天室：你好，世界！🌏 第 42 条消息\r\n';
      const big = new Uint8Array(900 * 1024).map((_, i) => i % 251);
      a.publish('bytes', binary);
      a.publish('bytes', chinese);
      a.publish('bytes', '');
      a.publish('bytes', big);
      await until(() => got.length === 4, 'four payloads');
      expect(got[0]).toEqual(binary);
      expect(got[1]).toEqual(utf8.encode(chinese));
      expect(text.decode(got[1])).toBe(chinese);
      expect(got[2]!.length).toBe(0);
      expect(Buffer.compare(got[3]!, big)).toBe(0); // toEqual walks 900 KB element by element: seconds
      expect(subjects).toEqual(['bytes', 'bytes', 'bytes', 'bytes']);
      expect(() => a.publish('bytes', new Uint8Array(2 * 1024 * 1024))).toThrow(expect.objectContaining({ code: Code.PayloadTooLarge }));
      expect(() => a.publish('bytes', 42 as never)).toThrow(expect.objectContaining({ code: Code.InvalidArgument }));
    });
  });
}
