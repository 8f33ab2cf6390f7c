import { describe, expect, it } from 'vitest';
import { refusalOf } from '#kit/testing';
import { ManualClock } from '#kit/clock';
import { Code, SurgeError } from '#kit/errors';
import { createBulkExecutor } from './index.js';

interface Gate {
  promise: Promise<void>;
  open(): void;
}

function gate(): Gate {
  let open = () => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Lets the promise and setImmediate callbacks queued so far run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('bulk executor: when batches are cut', () => {
  it('by count: 7 adds at maxItems 3 flush [1,2,3] and [4,5,6] at once; the 7th waits for the interval', async () => {
    const clock = new ManualClock();
    const batches: number[][] = [];
    const bulk = createBulkExecutor<number>((items) => void batches.push(items), { maxItems: 3, flushIntervalMs: 1000, clock });
    const outcomes = [1, 2, 3, 4, 5, 6, 7].map((n) => bulk.add(n));
    await settle();
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(bulk.pending).toBe(1);
    clock.advance(999);
    await settle();
    expect(batches.length).toBe(2);
    clock.advance(1);
    await settle();
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(await Promise.all(outcomes)).toEqual(Array(7).fill(undefined));
  });

  it('by interval: no item waits longer than flushIntervalMs, the timer starting at the first item of each batch', async () => {
    const clock = new ManualClock();
    const batches: string[][] = [];
    const bulk = createBulkExecutor<string, string>(
      (items) => {
        batches.push(items);
        return items.map((item) => item.toUpperCase());
      },
      { maxItems: 100, flushIntervalMs: 1000, clock },
    );
    const a = bulk.add('a');
    clock.advance(400);
    const b = bulk.add('b');
    clock.advance(599);
    await settle();
    expect(batches).toEqual([]);
    clock.advance(1); // 1000 ms after 'a'
    await settle();
    expect(batches).toEqual([['a', 'b']]);
    expect([await a, await b]).toEqual(['A', 'B']); // each item gets its own result
    const c = bulk.add('c');
    clock.advance(999);
    await settle();
    expect(batches.length).toBe(1);
    clock.advance(1);
    expect(await c).toBe('C');
    // No items, no flushes: an idle executor never calls the writer.
    clock.advance(10_000);
    await settle();
    expect(batches).toEqual([['a', 'b'], ['c']]);
  });

  it("a batch cut by count stops its timer: the next batch's interval starts at its own first item", async () => {
    const clock = new ManualClock();
    const batches: number[][] = [];
    const bulk = createBulkExecutor<number>((items) => void batches.push(items), { maxItems: 2, flushIntervalMs: 1000, clock });
    void bulk.add(1);
    clock.advance(400);
    void bulk.add(2); // cut by count at 400 ms
    clock.advance(100);
    void bulk.add(3); // first item of the next batch, at 500 ms
    clock.advance(500); // 1000 ms: the first batch's timer, had it survived, would cut [3] here
    await settle();
    expect(batches).toEqual([[1, 2]]);
    clock.advance(500); // 1500 ms: 3 has waited its interval
    await settle();
    expect(batches).toEqual([[1, 2], [3]]);
  });

  it('flush() cuts now and waits for its batch and every batch queued before it', async () => {
    const clock = new ManualClock();
    const gates: Gate[] = [];
    const flushed: number[] = [];
    const bulk = createBulkExecutor<number>(
      async (items) => {
        const g = gate();
        gates.push(g);
        await g.promise;
        flushed.push(...items);
      },
      { maxItems: 2, flushIntervalMs: 60_000, clock },
    );
    for (let n = 1; n <= 5; n++) void bulk.add(n); // [1,2] runs, [3,4] waits, [5] buffered
    let done = false;
    const flushing = bulk.flush().then(() => (done = true));
    for (let i = 0; i < 3; i++) {
      await settle();
      expect(done).toBe(false);
      gates[i]!.open();
    }
    await flushing;
    expect(flushed).toEqual([1, 2, 3, 4, 5]); // one at a time, in the order batches were cut
  });
});

describe('bulk executor: concurrency and back-pressure', () => {
  it('never more than maxConcurrentFlushes at once: 100 single-item batches at 3, counted', async () => {
    let running = 0;
    let most = 0;
    const gates: Gate[] = [];
    const flushed: number[] = [];
    const bulk = createBulkExecutor<number>(
      async (items) => {
        running++;
        most = Math.max(most, running);
        const g = gate();
        gates.push(g);
        await g.promise;
        flushed.push(...items);
        running--;
      },
      { maxItems: 1, maxConcurrentFlushes: 3, maxBufferedItems: 1000, clock: new ManualClock() },
    );
    const outcomes = Array.from({ length: 100 }, (_, n) => bulk.add(n));
    await settle();
    expect({ flushing: bulk.flushing, pending: bulk.pending, started: gates.length }).toEqual({ flushing: 3, pending: 97, started: 3 });
    for (let opened = 0; opened < 100; opened++) {
      await settle();
      expect(running).toBeLessThanOrEqual(3);
      gates[opened]!.open();
    }
    await Promise.all(outcomes);
    expect(most).toBe(3);
    expect(flushed.sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, n) => n));
  });

  it('when flushes fall behind, add() refuses with Overloaded past maxBufferedItems: 15 of 115 accepted', async () => {
    const blocked = gate();
    let flushedItems = 0;
    const bulk = createBulkExecutor<number>(
      async (items) => {
        await blocked.promise;
        flushedItems += items.length;
      },
      { maxItems: 5, maxBufferedItems: 10, clock: new ManualClock() },
    );
    const accepted: Promise<void>[] = [];
    let refused = 0;
    for (let n = 0; n < 115; n++) {
      try {
        accepted.push(bulk.add(n));
      } catch (e) {
        expect(e).toBeInstanceOf(SurgeError);
        expect((e as SurgeError).code).toBe(Code.Overloaded);
        refused++;
      }
    }
    // 5 in the running flush, 10 waiting (two batches), then no room.
    expect({ accepted: accepted.length, refused, pending: bulk.pending }).toEqual({ accepted: 15, refused: 100, pending: 10 });
    blocked.open();
    await Promise.all(accepted);
    expect(flushedItems).toBe(15);
    expect(() => bulk.add(1)).not.toThrow(); // room again
    await bulk.close();
    expect(flushedItems).toBe(16);
  });
});

describe('bulk executor: close', () => {
  it('10k adds over interleaved clock advances and slow flushes: after close every item was flushed exactly once', async () => {
    const clock = new ManualClock();
    const times = new Map<number, number>();
    let calls = 0;
    const bulk = createBulkExecutor<number, number>(
      async (items) => {
        calls++;
        for (let i = 0; i < calls % 3; i++) await settle(); // flushes finish out of step with adds
        for (const item of items) times.set(item, (times.get(item) ?? 0) + 1);
        return items.map((item) => item * 2);
      },
      { maxItems: 64, flushIntervalMs: 50, maxConcurrentFlushes: 4, maxBufferedItems: 20_000, clock },
    );
    const outcomes: Promise<number>[] = [];
    for (let n = 0; n < 10_000; n++) {
      outcomes.push(bulk.add(n));
      if (n % 97 === 0) clock.advance(n % 60); // some batches are cut by the timer, part-full
      if (n % 500 === 0) await settle();
    }
    await bulk.close();
    expect({ pending: bulk.pending, flushing: bulk.flushing }).toEqual({ pending: 0, flushing: 0 });
    expect(times.size).toBe(10_000);
    expect([...times.values()].every((count) => count === 1)).toBe(true);
    const results = await Promise.allSettled(outcomes);
    expect(results.every((r, n) => r.status === 'fulfilled' && r.value === 2 * n)).toBe(true);
    expect(calls).toBeGreaterThanOrEqual(Math.ceil(10_000 / 64));
    expect(() => bulk.add(1)).toThrow(expect.objectContaining({ code: Code.FailedPrecondition }));
  });

  it('close waits for a flush in flight and flushes what is still buffered', async () => {
    const blocked = gate();
    const batches: string[][] = [];
    const bulk = createBulkExecutor<string>(
      async (items) => {
        if (batches.length === 0) await blocked.promise;
        batches.push(items);
      },
      { maxItems: 2, flushIntervalMs: 60_000, clock: new ManualClock() },
    );
    void bulk.add('a');
    void bulk.add('b'); // cut: its flush is blocked
    const c = bulk.add('c'); // buffered, the interval far away
    let closed = false;
    const closing = bulk.close().then(() => (closed = true));
    await settle();
    expect(closed).toBe(false);
    blocked.open();
    await closing;
    expect(batches).toEqual([['a', 'b'], ['c']]);
    await expect(c).resolves.toBeUndefined();
    await bulk.close(); // a second close is a no-op
  });
});

describe('bulk executor: failures', () => {
  it("a failed flush rejects its own items (as SurgeError, cause kept), reaches onError once, and spares other batches", async () => {
    const reported: { err: SurgeError; items: readonly string[] }[] = [];
    const boom = new Error('duplicate key');
    const bulk = createBulkExecutor<string>(
      (items) => {
        if (items.includes('bad')) throw boom;
        if (items.includes('down')) return Promise.reject(new SurgeError(Code.Unavailable, 'db is unavailable'));
      },
      { maxItems: 2, clock: new ManualClock(), onError: (err, items) => void reported.push({ err, items }) },
    );
    const [a, bad, c, d] = ['a', 'bad', 'c', 'd'].map((item) => bulk.add(item));
    void bulk.add('down'); // never awaited: must not surface as an unhandled rejection
    void bulk.add('e');
    await expect(a).rejects.toMatchObject({ code: Code.Internal, cause: boom });
    await expect(bad).rejects.toBeInstanceOf(SurgeError);
    await expect(Promise.all([c, d])).resolves.toEqual([undefined, undefined]);
    await bulk.close();
    expect(reported.map((r) => [r.err.code, r.items])).toEqual([
      [Code.Internal, ['a', 'bad']],
      [Code.Unavailable, ['down', 'e']], // a SurgeError from the writer keeps its code
    ]);
  });

  it('a writer that returns the wrong number of results fails the batch as Internal', async () => {
    const reported: SurgeError[] = [];
    const bulk = createBulkExecutor<number, number>((items) => items.slice(1), { maxItems: 3, clock: new ManualClock(), onError: (err) => void reported.push(err) });
    const outcomes = [1, 2, 3].map((n) => bulk.add(n));
    for (const outcome of outcomes) await expect(outcome).rejects.toMatchObject({ code: Code.Internal });
    expect(reported.length).toBe(1);
  });

  it('bad options fail at construction with InvalidArgument naming the option', () => {
    const invalid = (fn: () => unknown, field: string) => expect(refusalOf(fn, Code.InvalidArgument).details?.field).toBe(field);
    const write = () => {};
    invalid(() => createBulkExecutor(write, { maxItems: 0 }), 'maxItems');
    invalid(() => createBulkExecutor(write, { maxItems: 2.5 }), 'maxItems');
    invalid(() => createBulkExecutor(write, { flushIntervalMs: 0 }), 'flushIntervalMs');
    invalid(() => createBulkExecutor(write, { maxConcurrentFlushes: 0 }), 'maxConcurrentFlushes');
    invalid(() => createBulkExecutor(write, { maxItems: 10, maxBufferedItems: 9 }), 'maxBufferedItems');
    invalid(() => createBulkExecutor(undefined as never), 'flush');
  });
});

describe('bulk executor: whenSettled', () => {
  it('resolves at once with nothing running, and when a running flush settles (failed ones too)', async () => {
    const gates: Gate[] = [];
    const bulk = createBulkExecutor<number>(
      async (items) => {
        const g = gate();
        gates.push(g);
        await g.promise;
        if (items.includes(2)) throw new Error('refused');
      },
      { maxItems: 1, maxConcurrentFlushes: 2, clock: new ManualClock() },
    );
    await bulk.whenSettled(); // nothing running
    void bulk.add(1);
    void bulk.add(2);
    void bulk.add(3);
    await settle();
    expect(bulk.flushing).toBe(2);
    let woken = 0;
    const waits = [bulk.whenSettled().then(() => woken++), bulk.whenSettled().then(() => woken++)];
    await settle();
    expect(woken).toBe(0);
    gates[1]!.open(); // the failing batch [2]
    await Promise.all(waits);
    expect(woken).toBe(2);
    await settle();
    expect(bulk.flushing).toBe(2); // [3] took the slot
    const next = bulk.whenSettled();
    gates[0]!.open();
    await next;
    gates[2]!.open();
    await bulk.close();
  });
});
