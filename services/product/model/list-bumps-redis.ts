// The bumps of the category lists, heard over Redis pub/sub (list-store-redis.ts publishes them).
// What is published while the subscription is disconnected is lost, so each (re)connect is a gap
// for the local tier (list-store-local.ts), which then drops its copies.
import { subscribeArrays, type Redis } from '#kit/redis';
import type { BumpFeed } from './list-store-local.js';
import { bumpChannel } from './list-store-redis.js';

export function redisBumpFeed(redis: Redis, keyPrefix: string): BumpFeed {
  return {
    subscribe(onBump, onGap) {
      const sub = subscribeArrays(redis, bumpChannel(keyPrefix), (ids) => onBump(ids.filter((id): id is number => Number.isSafeInteger(id))), onGap);
      sub.subscribed.catch(onGap);
      return {
        async close() {
          sub.close();
        },
      };
    },
  };
}
