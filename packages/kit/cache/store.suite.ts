// The behaviour every CacheStore must show. Run by memory.test.ts and redis.test.ts.
import { describe, expect, it } from 'vitest';
import type { CacheStore } from './index.js';

export interface StoreHarness {
  store: CacheStore;
  /** Lets ms pass for the store's TTLs: a manual clock advance, or a real sleep for a server. */
  advance(ms: number): Promise<void>;
}

export function cacheStoreSuite(label: string, harness: () => Promise<StoreHarness>): void {
  describe(`cache store behaviour: ${label}`, () => {
    it('get of a missing key is undefined; set then get returns the value', async () => {
      const { store } = await harness();
      expect(await store.get('nope')).toBeUndefined();
      await store.set('k', '{"id":1,"name":"张三"}', 60_000);
      expect(await store.get('k')).toBe('{"id":1,"name":"张三"}');
      await store.set('k', '2', 60_000);
      expect(await store.get('k')).toBe('2');
    });

    it('mget keeps order and marks missing keys undefined; an empty list is fine', async () => {
      const { store } = await harness();
      await store.mset([['a', '1', 60_000], ['c', '3', 60_000]]);
      expect(await store.mget(['a', 'b', 'c'])).toEqual(['1', undefined, '3']);
      expect(await store.mget([])).toEqual([]);
      await store.mset([]);
    });

    it('entries expire after their own TTL', async () => {
      const { store, advance } = await harness();
      await store.set('short', 's', 150);
      await store.mset([['short2', 's', 150], ['long', 'l', 60_000]]);
      expect(await store.mget(['short', 'short2', 'long'])).toEqual(['s', 's', 'l']);
      await advance(300);
      expect(await store.mget(['short', 'short2', 'long'])).toEqual([undefined, undefined, 'l']);
    });

    it('del removes several keys; deleting missing keys or none is fine', async () => {
      const { store } = await harness();
      await store.mset([['x', '1', 60_000], ['y', '2', 60_000], ['z', '3', 60_000]]);
      await store.del(['x', 'y', 'never-set']);
      await store.del([]);
      expect(await store.mget(['x', 'y', 'z'])).toEqual([undefined, undefined, '3']);
    });

    it('ping resolves while the store answers', async () => {
      const { store } = await harness();
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
