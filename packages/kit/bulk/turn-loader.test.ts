import { describe, expect, it } from 'vitest';
import { Code, errors } from '#kit/errors';
import { createTurnLoader } from './index.js';

const nextTurn = () => new Promise((r) => setImmediate(r));

describe('createTurnLoader', () => {
  it('answers the asks of one turn, across callbacks, with one batch; each ask gets its own answer', async () => {
    const batches: number[][] = [];
    const loader = createTurnLoader(async (keys: readonly number[]) => (batches.push([...keys]), keys.map((k) => k * 10)), { maxBatch: 10 });
    // Two asks from separate callbacks of the same turn (as two sockets' requests would be).
    // Immediates, not zero timeouts: two timeouts may fall due a millisecond apart under load,
    // in two turns, while immediates queued together run in one.
    const asks: Promise<number>[] = [];
    await new Promise<void>((done) => {
      setImmediate(() => asks.push(loader.load(1), loader.load(2)));
      setImmediate(() => {
        asks.push(loader.load(1));
        done();
      });
    });
    expect(await Promise.all(asks)).toEqual([10, 20, 10]);
    expect(batches).toEqual([[1, 2, 1]]);
    // A later turn makes a new call: nothing is kept between batches.
    expect(await loader.load(1)).toBe(10);
    expect(batches).toEqual([[1, 2, 1], [1]]);
  });

  it('splits a turn of more than maxBatch asks, and each turn is its own batch', async () => {
    const batches: number[] = [];
    const loader = createTurnLoader(async (keys: readonly number[]) => (batches.push(keys.length), keys), { maxBatch: 100 });
    await Promise.all(Array.from({ length: 250 }, (_, i) => loader.load(i)));
    expect(batches).toEqual([100, 100, 50]);
    const first = loader.load(1);
    await nextTurn();
    await Promise.all([first, loader.load(2)]);
    expect(batches.slice(3)).toEqual([1, 1]);
  });

  it("rejects every ask of a failed batch with its error, and one key's Error only that key's asks", async () => {
    let down = true;
    const loader = createTurnLoader(async (keys: readonly number[]) => {
      if (down) throw errors.unavailable('profiles');
      return keys.map((k) => (k === 404 ? errors.notFound(`user ${k}`) : k));
    }, { maxBatch: 10 });
    const failed = [loader.load(1), loader.load(2)];
    for (const ask of failed) await expect(ask).rejects.toMatchObject({ code: Code.Unavailable });
    down = false;
    const [found, missing] = await Promise.allSettled([loader.load(1), loader.load(404)]);
    expect(found).toEqual({ status: 'fulfilled', value: 1 });
    expect(missing).toMatchObject({ status: 'rejected', reason: { code: Code.NotFound } });
  });

  it('refuses a maxBatch that is not a positive integer', () => {
    for (const maxBatch of [0, -1, 1.5, Number.NaN]) expect(() => createTurnLoader(async (k: readonly number[]) => k, { maxBatch })).toThrow(/maxBatch/);
  });
});
