import { expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { createMemoryPresence } from './index.js';
import { presenceSuite } from './presence.suite.js';

// One process holds every connection: both "instances" are the one store.
presenceSuite('memory', async ({ ttlMs }) => {
  const clock = new ManualClock();
  const presence = createMemoryPresence({ ttlMs, clock });
  return { a: presence, b: presence, clock };
});

it('refuses bad options at construction, naming the option', () => {
  expect(() => createMemoryPresence({ ttlMs: 0 })).toThrow(/ttlMs/);
  expect(() => createMemoryPresence({ ttlMs: 1.5 })).toThrow(/ttlMs/);
  expect(createMemoryPresence().ttlMs).toBe(60_000);
});
