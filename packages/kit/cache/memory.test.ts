import { expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { createMemoryCacheStore } from './index.js';
import { cacheStoreSuite } from './store.suite.js';

cacheStoreSuite('memory', async () => {
  const clock = new ManualClock();
  return { store: createMemoryCacheStore({ clock }), advance: async (ms) => clock.advance(ms) };
});

it('memory store stays within maxEntries', async () => {
  const store = createMemoryCacheStore({ maxEntries: 10 });
  for (let i = 0; i < 100; i++) await store.set(`k${i}`, 'v', 60_000);
  const values = await store.mget(Array.from({ length: 100 }, (_, i) => `k${i}`));
  expect(values.filter((v) => v !== undefined).length).toBe(10);
  expect(values[99]).toBe('v');
});
