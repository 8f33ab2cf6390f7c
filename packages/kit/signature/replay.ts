// The seen-set that refuses a signed request the second time within its window. It sits on a
// LimitStore (#kit/limit): one atomic increment of a counter that lives for the window, and the
// request is new when the count is 1. On the Redis store the set is shared by every gateway
// instance (a replay to another instance is refused too); on the memory store it holds for one
// process (embedded mode). While Redis is down the Redis store fails over to memory, so for the
// length of an outage each instance keeps its own set: a replay to a second instance within the
// window would pass then. Refusing every callback during an outage would lose payment
// notifications, which providers retry only for so long; the timestamp window still bounds it.
import type { LimitStore } from '#kit/limit';

export interface ReplayGuard {
  /** True the first time `key` is seen within ttlMs, false after; atomic across the store's clients. */
  firstSeen(key: string, ttlMs: number): Promise<boolean>;
}

export function replayGuardOn(store: Pick<LimitStore, 'incrementWindow'>, keyPrefix = 'sig:'): ReplayGuard {
  return {
    async firstSeen(key, ttlMs) {
      const { count } = await store.incrementWindow(keyPrefix + key, ttlMs);
      return count === 1;
    },
  };
}
