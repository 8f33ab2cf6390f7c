import { describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { createMicroCache } from './index.js';

/** A fill that counts its calls and answers what `next` holds when it settles. */
function counted<V>(answer: () => V) {
  const calls = { n: 0 };
  let release: () => void = () => {};
  const gate = () => new Promise<void>((r) => (release = r));
  return {
    calls,
    fill: async () => (calls.n++, answer()),
    gated: async () => {
      calls.n++;
      await gate();
      return answer();
    },
    release: () => release(),
  };
}

describe('createMicroCache', () => {
  it('keeps an answer for ttlMs, then fills again', async () => {
    const clock = new ManualClock();
    const cache = createMicroCache<string>({ ttlMs: 1000, clock });
    let v = 'a';
    const f = counted(() => v);
    expect(await cache.get('k', f.fill)).toBe('a');
    v = 'b';
    clock.advance(999);
    expect(await cache.get('k', f.fill)).toBe('a');
    expect(f.calls.n).toBe(1);
    clock.advance(2);
    expect(await cache.get('k', f.fill)).toBe('b');
    expect(f.calls.n).toBe(2);
  });

  it('runs one fill for callers asking at once', async () => {
    const cache = createMicroCache<string>({ ttlMs: 1000, clock: new ManualClock() });
    const f = counted(() => 'x');
    const all = Promise.all([cache.get('k', f.gated), cache.get('k', f.gated), cache.get('k', f.gated)]);
    await Promise.resolve();
    f.release();
    expect(await all).toEqual(['x', 'x', 'x']);
    expect(f.calls.n).toBe(1);
  });

  it('keeps nothing for undefined or a failure', async () => {
    const cache = createMicroCache<string>({ ttlMs: 1000, clock: new ManualClock() });
    let calls = 0;
    expect(await cache.get('k', async () => (calls++, undefined))).toBeUndefined();
    await expect(cache.get('k', async () => (calls++, Promise.reject(new Error('down'))))).rejects.toThrow('down');
    expect(await cache.get('k', async () => (calls++, 'y'))).toBe('y');
    expect(calls).toBe(3);
  });

  it('drop forgets the answer and a fill running now', async () => {
    const cache = createMicroCache<string>({ ttlMs: 1000, clock: new ManualClock() });
    await cache.get('k', async () => 'old');
    cache.drop('k');
    let v = 'during';
    const f = counted(() => v);
    const running = cache.get('k', f.gated);
    await Promise.resolve();
    cache.drop('k'); // a write lands while the fill reads
    f.release();
    expect(await running).toBe('during');
    v = 'after';
    expect(await cache.get('k', f.fill)).toBe('after');
    expect(f.calls.n).toBe(2);
  });

  it('replace keeps a newer answer only over the one the caller got', async () => {
    const clock = new ManualClock();
    const cache = createMicroCache<{ v: string }>({ ttlMs: 1000, clock });
    const never = async () => ({ v: 'filled' });
    const first = (await cache.get('k', async () => ({ v: 'first' })))!;
    clock.advance(900);
    const newer = { v: 'newer' };
    cache.replace('k', first, newer);
    clock.advance(900); // a new interval from the replace
    expect(await cache.get('k', never)).toBe(newer);
    cache.replace('k', first, { v: 'stale' }); // no longer what is kept
    expect(await cache.get('k', never)).toBe(newer);
    cache.drop('k');
    cache.replace('k', newer, { v: 'after the drop' });
    expect(await cache.get('k', never)).toEqual({ v: 'filled' });
  });

  it('ttlMs 0 keeps nothing', async () => {
    const cache = createMicroCache<string>({ ttlMs: 0 });
    let calls = 0;
    await cache.get('k', async () => (calls++, 'a'));
    await cache.get('k', async () => (calls++, 'a'));
    expect(calls).toBe(2);
    expect(() => createMicroCache({ ttlMs: -1 })).toThrow(RangeError);
  });
});
