// Cache-aside behaviour, counted in loads (database hits), run over every kind of store.
// Run by cache.test.ts (no store, memory store) and redis.test.ts (Redis store).
import { describe, expect, it } from 'vitest';
import { createCache, type CacheOptions, type CacheStore } from './index.js';

interface User {
  id: string;
  name: string;
}

const tick = () => new Promise<void>((r) => setImmediate(r));

/** makeStore: a fresh store with its own key space per call, or undefined for the local-only cache. */
export function cacheBehaviourSuite(label: string, makeStore: (() => CacheStore) | undefined): void {
  // Without a store, only the local tier can be under test; with one, also the store alone.
  const variants: [string, Partial<CacheOptions>][] = makeStore
    ? [['with local tier', {}], ['store only', { local: false }]]
    : [['local tier only', {}]];

  for (const [variant, extra] of variants) {
    describe(`cache behaviour: ${label}, ${variant}`, () => {
      const build = () => createCache({ store: makeStore?.(), ...extra });

      it('1,000 concurrent reads of one cold key cause exactly 1 load', async () => {
        const cache = build();
        let loads = 0;
        const load = async (): Promise<User> => {
          loads++;
          await tick();
          return { id: '1', name: 'ada' };
        };
        const got = await Promise.all(Array.from({ length: 1000 }, () => cache.take<User>('user:1', load)));
        expect(loads).toBe(1);
        expect(got.every((u) => u?.name === 'ada')).toBe(true);
        expect(await cache.take<User>('user:1', load)).toEqual({ id: '1', name: 'ada' });
        expect(loads).toBe(1);
      });

      it('a missing key read twice costs 1 load in total (not-found placeholder)', async () => {
        const cache = build();
        let loads = 0;
        const load = async () => {
          loads++;
          return undefined;
        };
        expect(await cache.take('user:404', load)).toBeUndefined();
        expect(await cache.take('user:404', load)).toBeUndefined();
        expect(loads).toBe(1);
      });

      it('del then read loads again and serves the new value', async () => {
        const cache = build();
        let version = 1;
        let loads = 0;
        const load = async () => {
          loads++;
          return { version };
        };
        expect(await cache.take('post:1', load)).toEqual({ version: 1 });
        version = 2; // the database write commits, then the cache entry is deleted
        await cache.del('post:1');
        expect(await cache.take('post:1', load)).toEqual({ version: 2 });
        expect(loads).toBe(2);
      });

      it('takeMany: one loadMissing call with exactly the missing keys, then 0 loads', async () => {
        const cache = build();
        const ids = Array.from({ length: 100 }, (_, i) => `u:${i}`);
        // Some are cached already, some do not exist in the "database" (every 7th).
        for (const id of ids.slice(0, 10)) await cache.take(id, async () => ({ id }));
        const calls: string[][] = [];
        const loadMissing = async (missing: string[]) => {
          calls.push(missing);
          return new Map(missing.filter((id) => Number(id.slice(2)) % 7 !== 0).map((id) => [id, { id }]));
        };
        const first = await cache.takeMany<{ id: string }>(ids, loadMissing);
        expect(calls).toEqual([ids.slice(10)]);
        const exists = (id: string) => Number(id.slice(2)) < 10 || Number(id.slice(2)) % 7 !== 0;
        expect([...first.keys()]).toEqual(ids.filter(exists));
        const second = await cache.takeMany<{ id: string }>(ids, loadMissing);
        expect(calls.length).toBe(1);
        expect(second).toEqual(first);
        // Single reads see what the batch wrote, placeholders included.
        expect(await cache.take('u:14', async () => ({ id: 'loaded' }))).toBeUndefined();
        expect(await cache.take('u:15', async () => ({ id: 'loaded' }))).toEqual({ id: 'u:15' });
      });

      it('set and get round-trip; get of an uncached key loads nothing and is undefined', async () => {
        const cache = build();
        await cache.set('cfg', { a: [1, 2] });
        expect(await cache.get('cfg')).toEqual({ a: [1, 2] });
        expect(await cache.get('other')).toBeUndefined();
        await expect(cache.ping()).resolves.toBeUndefined();
      });
    });
  }
}
