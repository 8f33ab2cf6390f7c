import { describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { Code, errors, SurgeError } from '#kit/errors';
import { createCache, createMemoryCacheStore, type CacheStore } from './index.js';
import { cacheBehaviourSuite } from './cache.suite.js';

cacheBehaviourSuite('no store', undefined);
cacheBehaviourSuite('memory store', () => createMemoryCacheStore());

/** A real memory store that also counts what reaches it (reads, and the TTLs it is given). */
function countingStore(clock = new ManualClock()) {
  const inner = createMemoryCacheStore({ clock });
  const seen = { gets: 0, mgets: 0, ttls: [] as number[] };
  const store: CacheStore = {
    ...inner,
    name: 'memory',
    get: (k) => (seen.gets++, inner.get(k)),
    mget: (ks) => (seen.mgets++, inner.mget(ks)),
    set: (k, v, ttl) => (seen.ttls.push(ttl), inner.set(k, v, ttl)),
    mset: (es) => (seen.ttls.push(...es.map((e) => e[2])), inner.mset(es)),
  };
  return { store, seen, inner };
}

/** A memory store that can be switched off: every call then fails as a Redis store's would. */
function switchableStore() {
  const inner = createMemoryCacheStore();
  const state = { down: false };
  const guard = <T>(fn: () => Promise<T>) => (state.down ? Promise.reject(errors.unavailable('redis')) : fn());
  const store: CacheStore = {
    name: 'redis',
    get: (k) => guard(() => inner.get(k)),
    mget: (ks) => guard(() => inner.mget(ks)),
    set: (k, v, t) => guard(() => inner.set(k, v, t)),
    mset: (es) => guard(() => inner.mset(es)),
    del: (ks) => guard(() => inner.del(ks)),
    ping: () => guard(() => inner.ping()),
    close: () => inner.close(),
  };
  return { store, state, inner };
}

describe('cache', () => {
  it('every TTL given to the store is within ±5% of the configured one', async () => {
    for (const r of [0, 0.25, 0.5, 0.999999]) {
      const { store, seen } = countingStore();
      const cache = createCache({ store, ttlMs: 100_000, notFoundTtlMs: 10_000, random: () => r });
      await cache.take('found', async () => 1);
      await cache.take('missing', async () => undefined);
      await cache.takeMany(['m1', 'm2'], async () => new Map([['m1', 1]]));
      const [found, missing, m1, m2] = seen.ttls;
      for (const ttl of [found!, m1!]) expect(Math.abs(ttl - 100_000)).toBeLessThanOrEqual(5_000);
      for (const ttl of [missing!, m2!]) expect(Math.abs(ttl - 10_000)).toBeLessThanOrEqual(500);
      expect(found).toBe(Math.round(100_000 * (0.95 + 0.1 * r)));
    }
  });

  it('a local tier hit costs no store call; the local copy expires after local.ttlMs', async () => {
    const clock = new ManualClock();
    const { store, seen } = countingStore(clock);
    const cache = createCache({ store, clock, local: { ttlMs: 1000 } });
    await cache.take('k', async () => 'v');
    expect(seen.gets).toBe(1);
    for (let i = 0; i < 100; i++) expect(await cache.take('k', async () => 'other')).toBe('v');
    await cache.takeMany(['k'], async () => new Map());
    expect(seen).toMatchObject({ gets: 1, mgets: 0 });
    clock.advance(1001);
    expect(await cache.take('k', async () => 'other')).toBe('v'); // from the store this time
    expect(seen.gets).toBe(2);
  });

  it('without a store, entries live their full TTL in the local tier', async () => {
    const clock = new ManualClock();
    const cache = createCache({ clock, ttlMs: 60_000, jitter: 0 });
    let loads = 0;
    const load = async () => ++loads;
    await cache.take('k', load);
    clock.advance(59_000);
    expect(await cache.take('k', load)).toBe(1);
    clock.advance(2_000);
    expect(await cache.take('k', load)).toBe(2);
  });

  it('store down: loads pass only through the fallback bucket, deletes are replayed when it returns', async () => {
    const clock = new ManualClock();
    const { store, state, inner } = switchableStore();
    const cache = createCache({ store, clock, fallback: { ratePerSec: 10, burst: 5 }, probeIntervalMs: 100 });
    await inner.set('stale', '"old"', 60_000);
    state.down = true;
    let loads = 0;
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => cache.take(`k${i}`, async () => ++loads)));
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as SurgeError);
    expect(loads).toBe(5);
    expect(refused.length).toBe(15);
    expect(refused.every((e) => e.code === Code.Unavailable && e.details?.dependency === 'redis')).toBe(true);
    expect(await cache.take('k0', async () => ++loads)).toBe(1); // the local tier still answers
    await expect(cache.ping()).rejects.toMatchObject({ code: Code.Unavailable });
    await cache.del('stale'); // swallowed now, remembered for later
    await cache.set('lost', 1); // a lost write: costs a load later, never an error

    state.down = false;
    clock.advance(100); // the probe pings, replays the delete, and switches back
    await new Promise((r) => setImmediate(r));
    expect(await inner.get('stale')).toBeUndefined();
    await inner.set('fresh', '"from store"', 60_000);
    expect(await cache.take('fresh', async () => 'from db')).toBe('from store');
    await expect(cache.ping()).resolves.toBeUndefined();
  });

  it('rejects bad options at construction with InvalidArgument naming the option', () => {
    const field = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(SurgeError);
        expect((e as SurgeError).code).toBe(Code.InvalidArgument);
        return (e as SurgeError).details?.field;
      }
      return 'no error';
    };
    expect(field(() => createCache({ jitter: 1 }))).toBe('jitter');
    expect(field(() => createCache({ ttlMs: 0 }))).toBe('ttlMs');
    expect(field(() => createCache({ local: false }))).toBe('local');
    expect(field(() => createCache({ local: { maxEntries: -1 } }))).toBe('local.maxEntries');
    expect(field(() => createCache({ fallback: { ratePerSec: 0 } }))).toBe('fallback.ratePerSec');
  });
});

describe('a load that overlaps a delete of its key (delete-after-write races)', () => {
  /** A database row and a load that waits for the test's word after reading it. */
  function slowRow() {
    let version = 1;
    let release!: () => void;
    let gate = Promise.resolve();
    return {
      write: () => void version++,
      hold: () => (gate = new Promise<void>((r) => (release = r))),
      release: () => release(),
      load: async () => {
        const read = version;
        await gate;
        return { version: read };
      },
    };
  }

  it('take: the old row answers the caller that loaded it, is cached nowhere, and a take after the delete loads afresh', async () => {
    const clock = new ManualClock();
    const { store, inner } = countingStore(clock);
    const cache = createCache({ store, clock, redeleteAfterMs: 0 });
    const row = slowRow();
    row.hold();
    const before = cache.take('row:1', row.load); // reads version 1, then waits
    await new Promise((r) => setImmediate(r));
    row.write(); // the write commits…
    await cache.del('row:1'); // …and deletes after it
    const after = cache.take('row:1', row.load); // must not join the load that read version 1
    row.release();
    expect(await before).toEqual({ version: 1 });
    expect(await after).toEqual({ version: 2 });
    expect(await cache.take('row:1', async () => ({ version: -1 }))).toEqual({ version: 2 });
    expect(JSON.parse((await inner.get('row:1'))!)).toEqual({ version: 2 });
  });

  it('takeMany: keys deleted while the page loaded are not cached; the others are', async () => {
    const clock = new ManualClock();
    const { store, inner } = countingStore(clock);
    const cache = createCache({ store, clock, redeleteAfterMs: 0 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const page = cache.takeMany<number>(['a', 'b'], async (missing) => {
      await gate;
      return new Map(missing.map((k) => [k, 1]));
    });
    await new Promise((r) => setImmediate(r));
    await cache.del('b');
    release();
    expect([...(await page).entries()]).toEqual([['a', 1], ['b', 1]]);
    expect(await inner.get('a')).toBeDefined();
    expect(await inner.get('b')).toBeUndefined();
    expect(await cache.take('b', async () => 2)).toBe(2);
  });

  it('the store gets the delete again redeleteAfterMs later: an old value another process wrote back meanwhile is dropped', async () => {
    const clock = new ManualClock();
    const { store, inner } = countingStore(clock);
    const cache = createCache({ store, clock, redeleteAfterMs: 1000, local: false });
    await cache.del('row:1');
    // Another process's load read the row before the write and writes it back after the delete.
    await inner.set('row:1', JSON.stringify({ version: 1 }), 600_000);
    expect(await cache.take('row:1', async () => ({ version: 2 }))).toEqual({ version: 1 });
    clock.advance(1000);
    await new Promise((r) => setImmediate(r));
    expect(await inner.get('row:1')).toBeUndefined();
    expect(await cache.take('row:1', async () => ({ version: 2 }))).toEqual({ version: 2 });
  });
});
