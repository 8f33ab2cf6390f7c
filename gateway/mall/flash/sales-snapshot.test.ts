import { describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import type { FlashSale } from '#gen/surge/seckill/v1/seckill';
import { createSalesSnapshot } from './sales-snapshot.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const sale = (id: number): FlashSale => ({ id, productId: 1, name: 'p', imageUrl: '', priceCents: 100, originalPriceCents: 200, stock: 10, stockLeft: 10, startAt: 0, endAt: 1, perUserLimit: 1, status: 'running', createdAt: 0 });

/** A snapshot over a service whose list is `listed` (changeable), counting its reads. */
const setup = (o: { fail?: boolean } = {}) => {
  const clock = new ManualClock();
  const state = { listed: [sale(1)], reads: 0, fail: o.fail ?? false, errors: 0 };
  const snapshot = createSalesSnapshot({
    clock,
    maxAgeMs: 1000,
    load: async () => {
      state.reads++;
      if (state.fail) throw new Error('seckill is down');
      return [...state.listed];
    },
    onError: () => void state.errors++,
  });
  return { clock, state, snapshot };
};

describe('sales snapshot', () => {
  it('100 concurrent readers share one read; none within maxAgeMs, one after it', async () => {
    const { clock, state, snapshot } = setup();
    const lists = await Promise.all(Array.from({ length: 100 }, () => snapshot.fresh()));
    expect(lists.every((l) => l.length === 1)).toBe(true);
    expect(state.reads).toBe(1);
    clock.advance(999);
    await Promise.all(Array.from({ length: 100 }, () => snapshot.fresh()));
    expect(state.reads).toBe(1);
    clock.advance(1);
    await Promise.all(Array.from({ length: 100 }, () => snapshot.fresh()));
    expect(state.reads).toBe(2);
  });

  it('find never calls out; an unknown id reads the list again at most once per maxAgeMs', async () => {
    const { clock, state, snapshot } = setup();
    expect(snapshot.find(1)).toBeUndefined();
    expect(state.reads).toBe(0);
    expect((await snapshot.lookup(1))?.id).toBe(1);
    expect(state.reads).toBe(1);
    // A flood of unknown ids within the second: no read.
    state.listed.push(sale(2));
    for (let id = 2; id < 102; id++) await snapshot.lookup(id);
    expect(state.reads).toBe(1);
    clock.advance(1000);
    const found = await Promise.all([snapshot.lookup(2), snapshot.lookup(2), snapshot.lookup(3)]);
    expect(found.map((s) => s?.id)).toEqual([2, 2, undefined]);
    expect(state.reads).toBe(2);
    expect(snapshot.find(2)?.id).toBe(2);
  });

  it('a known id is answered from the copy without a read, however old', async () => {
    const { clock, state, snapshot } = setup();
    await snapshot.fresh();
    clock.advance(60_000);
    expect((await snapshot.lookup(1))?.id).toBe(1);
    expect(state.reads).toBe(1);
  });

  it('a failed read: fresh rejects, lookup answers from the copy and reports it, and the next read waits its turn', async () => {
    const { clock, state, snapshot } = setup();
    await snapshot.fresh();
    state.fail = true;
    clock.advance(1000);
    await expect(snapshot.fresh()).rejects.toThrow(/down/);
    expect(await snapshot.lookup(9)).toBeUndefined();
    expect(state.reads).toBe(2);
    expect((await snapshot.lookup(1))?.id).toBe(1);
    clock.advance(1000);
    expect(await snapshot.lookup(9)).toBeUndefined();
    expect(state.errors).toBe(1);
    expect(state.reads).toBe(3);
  });

  it('changed() makes the next read go to the service, and a read started before it cannot overwrite the newer copy', async () => {
    const clock = new ManualClock();
    const pending: ((s: FlashSale[]) => void)[] = [];
    const snapshot = createSalesSnapshot({ clock, load: () => new Promise((resolve) => pending.push(resolve)), onError: () => {} });
    const old = snapshot.fresh();
    await tick();
    snapshot.changed();
    const fresh = snapshot.fresh();
    await tick();
    expect(pending).toHaveLength(2);
    pending[1]!([sale(1), sale(2)]);
    expect((await fresh).map((s) => s.id)).toEqual([1, 2]);
    pending[0]!([sale(1)]);
    await old;
    expect(snapshot.find(2)?.id).toBe(2);
  });
});
