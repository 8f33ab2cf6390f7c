import { describe, it, expect } from 'vitest';
import { Code, SurgeError } from '#kit/errors';
import { mapLimit, all, mapReduce } from './index.js';

/** A hand-settled promise, so tests decide when each piece of work ends (no sleeping). */
function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('mapLimit', () => {
  it('never runs more than limit at once, reaches the limit, and keeps input order', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapLimit(Array.from({ length: 100 }, (_, i) => i), 7, async (n) => {
      running++;
      peak = Math.max(peak, running);
      // Finish out of order: later items often finish first.
      for (let i = 0; i < (n * 7) % 5; i++) await tick();
      running--;
      return n * 2;
    });
    expect(peak).toBe(7);
    expect(results).toEqual(Array.from({ length: 100 }, (_, i) => i * 2));
  });

  it('reads the source lazily: never more items pulled than finished + limit', async () => {
    let pulled = 0;
    let finished = 0;
    let worst = 0;
    function* source() {
      for (let i = 0; i < 50; i++) {
        pulled++;
        worst = Math.max(worst, pulled - finished);
        yield i;
      }
    }
    await mapLimit(source(), 3, async (n) => { await tick(); finished++; return n; });
    expect(pulled).toBe(50);
    expect(worst).toBeLessThanOrEqual(3);
  });

  it('on the first error: rejects with it, aborts the running ones, starts no more', async () => {
    const boom = new SurgeError(Code.NotFound, 'item 2 not found');
    const gates = Array.from({ length: 20 }, () => deferred());
    const started: number[] = [];
    const aborted: number[] = [];
    const run = mapLimit(gates.keys(), 4, async (i, _index, signal) => {
      started.push(i);
      const onAbort = () => aborted.push(i);
      signal.addEventListener('abort', onAbort);
      await gates[i]!.promise;
      if (i === 2) throw boom;
      signal.removeEventListener('abort', onAbort); // finished work no longer cares
      return i;
    });
    await tick();
    expect(started).toEqual([0, 1, 2, 3]);
    gates[0]!.resolve(); // item 4 takes its place
    await tick();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    gates[2]!.resolve(); // fails
    await expect(run).rejects.toBe(boom);
    for (const g of gates) g.resolve();
    await tick();
    await tick();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(aborted.sort()).toEqual([1, 2, 3, 4]); // 2 failed, 1, 3 and 4 were still running
  });

  it('an outer signal cancels everything with Cancelled', async () => {
    const outer = new AbortController();
    const aborted: number[] = [];
    let started = 0;
    const run = mapLimit([0, 1, 2, 3, 4, 5], 2, (i, _index, signal) => {
      started++;
      return new Promise((_res, rej) => signal.addEventListener('abort', () => { aborted.push(i); rej(signal.reason); }));
    }, { signal: outer.signal });
    await tick();
    outer.abort(new Error('client went away'));
    await expect(run).rejects.toMatchObject({ code: Code.Cancelled });
    await tick();
    expect(started).toBe(2);
    expect(aborted).toEqual([0, 1]);
    // Already aborted: nothing starts at all.
    let calls = 0;
    await expect(mapLimit([1], 1, async () => { calls++; }, { signal: outer.signal })).rejects.toMatchObject({ code: Code.Cancelled });
    expect(calls).toBe(0);
  });

  it('handles an empty list and a synchronous throw, and validates limit', async () => {
    expect(await mapLimit([], 3, async () => 1)).toEqual([]);
    const err = new Error('sync');
    await expect(mapLimit([1, 2], 1, () => { throw err; })).rejects.toBe(err);
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      await expect(mapLimit([1], limit, async () => 1)).rejects.toMatchObject({ code: Code.InvalidArgument, message: expect.stringContaining('limit') });
    }
  });
});

describe('all', () => {
  it('runs every function in parallel and returns results in order', async () => {
    let running = 0;
    let peak = 0;
    const fns = [30, 10, 20].map((n) => async () => {
      running++;
      peak = Math.max(peak, running);
      for (let i = 0; i < n / 10; i++) await tick();
      running--;
      return n;
    });
    expect(await all(fns)).toEqual([30, 10, 20]);
    expect(peak).toBe(3);
  });

  it('cancels the others on the first error', async () => {
    const seen: string[] = [];
    const fail = new Error('second failed');
    const slow = (signal: AbortSignal) => new Promise<number>((_res, rej) => signal.addEventListener('abort', () => { seen.push('aborted'); rej(signal.reason); }));
    await expect(all([slow, async () => { throw fail; }, slow])).rejects.toBe(fail);
    expect(seen).toEqual(['aborted', 'aborted']);
  });
});

describe('mapReduce', () => {
  it('folds mapped values from an async generator with bounded workers', async () => {
    let running = 0;
    let peak = 0;
    async function* generate() {
      for (let i = 1; i <= 40; i++) yield i;
    }
    const sum = await mapReduce({
      generate,
      workers: 5,
      mapper: async (n: number) => {
        running++;
        peak = Math.max(peak, running);
        await tick();
        running--;
        return n * n;
      },
      reducer: (acc: number, v: number) => acc + v,
      initial: 0,
    });
    expect(sum).toBe((40 * 41 * 81) / 6);
    expect(peak).toBe(5);
  });

  it('stops the generator and fails when the reducer throws', async () => {
    let produced = 0;
    let closed = false;
    function* generate() {
      try {
        for (let i = 0; i < 1000; i++) {
          produced++;
          yield i;
        }
      } finally {
        closed = true;
      }
    }
    const tooMany = new SurgeError(Code.PayloadTooLarge, 'more than 10 rows');
    await expect(mapReduce({
      generate,
      workers: 2,
      mapper: async (n: number) => n,
      reducer: (acc: number[], v: number) => { if (acc.length === 10) throw tooMany; return [...acc, v]; },
      initial: [] as number[],
    })).rejects.toBe(tooMany);
    await tick();
    expect(produced).toBeLessThan(20);
    expect(closed).toBe(true);
  });
});
