import { describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { createViewBuffer } from './view-buffer.js';

const quiet = { warn: () => {} };

describe('createViewBuffer', () => {
  it('hands over the sums once per interval, one call per 1,000 articles', async () => {
    const clock = new ManualClock();
    const calls: { id: number; count: number }[][] = [];
    const views = createViewBuffer({ send: async (v) => calls.push(v), log: quiet, clock });
    for (let i = 0; i < 5; i++) views.record(7);
    views.record(8);
    expect(calls).toEqual([]);
    clock.advance(1000);
    expect(calls).toEqual([[{ id: 7, count: 5 }, { id: 8, count: 1 }]]);
    for (let id = 1; id <= 1500; id++) views.record(id);
    clock.advance(1000);
    expect(calls.slice(1).map((c) => c.length)).toEqual([1000, 500]);
  });

  it('drops views past maxArticles distinct articles, still counting those it holds', async () => {
    const clock = new ManualClock();
    const calls: { id: number; count: number }[][] = [];
    const views = createViewBuffer({ send: async (v) => calls.push(v), log: quiet, clock, maxArticles: 2 });
    for (const id of [1, 2, 3, 1]) views.record(id);
    clock.advance(1000);
    expect(calls).toEqual([[{ id: 1, count: 2 }, { id: 2, count: 1 }]]);
  });

  it('close hands over what is counted and waits for it; a failed send is logged, not thrown', async () => {
    const clock = new ManualClock();
    const warned: unknown[] = [];
    let sent = 0;
    const views = createViewBuffer({
      send: async (v) => {
        sent += v.length;
        throw new Error('article service down');
      },
      log: { warn: (o: unknown) => warned.push(o) },
      clock,
    });
    views.record(1);
    await views.close();
    expect(sent).toBe(1);
    expect(warned).toHaveLength(1);
    views.record(2); // after close: dropped
    clock.advance(1000);
    expect(sent).toBe(1);
  });
});
