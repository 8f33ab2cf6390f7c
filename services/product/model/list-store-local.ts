// A local tier in front of the shared (Redis) list store: each instance keeps the lists it
// served for `ttlMs`, so a category page costs no round trip, and drops them the moment any
// instance bumps their category. A bump is published with the generations it moves (list-store-
// redis.ts), and every instance's tier drops those categories' lists on hearing it.
//
// A copy that read Redis before a bump must not outlive it. Each category counts the bumps this
// instance has heard; a fill keeps what it read only if the count did not move while it read. A
// bump heard after the fill finds the copy and drops it. What is left is a bump never heard (the
// subscription was down): the copy lives at most ttlMs, and the tier drops everything when the
// subscription comes back.
import type { Clock } from '#kit/clock';
import { entriesAfter, type CachedSlice, type ListStore } from './list-entries.js';
import { LIST_ORDERS } from './lists.js';

/** Where bumps are heard: every instance's, this one's included. */
export interface BumpFeed {
  /** onBump: categories some instance bumped; onGap: bumps may have been missed (a reconnect). */
  subscribe(onBump: (categoryIds: readonly number[]) => void, onGap: () => void): { close(): Promise<void> };
}

export interface LocalListTierOptions {
  /** The most ids the lists keep (the list cache's size): a fill reads the whole list. */
  size: number;
  /** How long a copy answers before Redis is asked again. */
  ttlMs: number;
  clock: Clock;
  feed: BumpFeed;
}

interface Copy extends CachedSlice {
  generation: number;
  expiresAt: number;
}

export function withLocalTier(shared: ListStore, o: LocalListTierOptions): ListStore & { close(): Promise<void> } {
  const copies = new Map<string, Copy>();
  const heard = new Map<number, number>();
  /** Times the feed said bumps may have been missed: a fill across one keeps nothing either. */
  let gaps = 0;
  const keyOf = (categoryId: number, order: string) => `${categoryId}:${order}`;
  const drop = (categoryIds: readonly number[]) => {
    for (const id of categoryIds) {
      heard.set(id, (heard.get(id) ?? 0) + 1);
      for (const order of LIST_ORDERS) copies.delete(keyOf(id, order));
    }
  };
  const subscription = o.feed.subscribe(drop, () => {
    // Bumps may have gone unheard: no copy can be trusted, and fills under way keep nothing.
    gaps++;
    copies.clear();
  });

  return {
    async read(list, from, count) {
      const key = keyOf(list.categoryId, list.order);
      const copy = copies.get(key);
      if (copy && copy.expiresAt > o.clock.now()) {
        return { generation: copy.generation, cached: { entries: entriesAfter(copy.entries, list.order, from, count), complete: copy.complete } };
      }
      const before = heard.get(list.categoryId) ?? 0;
      const gapsBefore = gaps;
      const whole = await shared.read(list, undefined, o.size);
      if (!whole.cached) return whole;
      if ((heard.get(list.categoryId) ?? 0) === before && gaps === gapsBefore) {
        copies.set(key, { ...whole.cached, generation: whole.generation, expiresAt: o.clock.now() + o.ttlMs });
      }
      return { generation: whole.generation, cached: { entries: entriesAfter(whole.cached.entries, list.order, from, count), complete: whole.cached.complete } };
    },

    // The next read fills the copy from what is written here, under the check above.
    write: (list, generation, slice, ttlMs) => shared.write(list, generation, slice, ttlMs),

    async bump(categoryIds) {
      drop(categoryIds);
      await shared.bump(categoryIds);
    },

    close: () => subscription.close(),
  };
}
