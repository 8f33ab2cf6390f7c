// What the per-user buy limit costs per take: the local two-generation bucket (buy-limit.ts)
// against #kit/limit's token bucket over its memory store, 1,000 takes per sample over 10,000
// users (µs per take = mean ms per sample). Run: npx vitest bench --run gateway/mall/flash
import { bench, describe } from 'vitest';
import { systemClock } from '#kit/clock';
import { createMemoryLimitStore, createTokenBucket } from '#kit/limit';
import { createBuyLimit } from './buy-limit.js';

const TAKES = 1000;
const USERS = 10_000;
let next = 0;
const user = () => (next = (next + 7919) % USERS) + 1;

describe(`one take, ${TAKES} per sample`, () => {
  const local = createBuyLimit({ perSecond: 5, clock: systemClock });
  bench('local two-generation bucket (sync)', () => {
    for (let i = 0; i < TAKES; i++) local.take(user());
  });
  const kit = createTokenBucket({ ratePerSec: 5, burst: 5, keyPrefix: 'b:', store: createMemoryLimitStore({ clock: systemClock }), clock: systemClock });
  bench('#kit/limit token bucket over the memory store (awaited)', async () => {
    for (let i = 0; i < TAKES; i++) await kit.take(String(user()));
  });
});
