// The bumps of the category lists, heard over Redis pub/sub (list-store-redis.ts publishes them)
// on a connection of their own: a subscribed connection can run no other command. ioredis
// subscribes again after a reconnect; what was published meanwhile is lost, so each (re)connect
// is a gap for the local tier (list-store-local.ts), which then drops its copies.
import type { Redis } from '#kit/redis';
import type { BumpFeed } from './list-store-local.js';
import { bumpChannel } from './list-store-redis.js';

export function redisBumpFeed(redis: Redis, keyPrefix: string): BumpFeed {
  const channel = bumpChannel(keyPrefix);
  return {
    subscribe(onBump, onGap) {
      const sub = redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, lazyConnect: false });
      sub.on('error', () => {}); // a lost connection shows up as a gap, handled at the reconnect
      sub.on('ready', onGap);
      sub.on('message', (ch: string, message: string) => {
        if (ch !== channel) return;
        let ids: unknown;
        try {
          ids = JSON.parse(message);
        } catch {
          return; // not a bump: another publisher on the channel
        }
        if (Array.isArray(ids)) onBump(ids.filter((id): id is number => Number.isSafeInteger(id)));
      });
      void sub.subscribe(channel).catch(onGap);
      return {
        async close() {
          sub.disconnect();
        },
      };
    },
  };
}
