// What the category list cache keeps (list-store.ts picks the adapter): per (category as asked,
// order) the first ids of the list with their sort keys, and an end marker saying whether they
// are the whole list. Both adapters implement ListStore; entriesAfter is the keyset step over a
// list held in memory, the same comparison the SQL's ORDER BY column, id makes.
import type { After, Keyed, ListOrder } from './lists.js';
import { directionOf } from './lists.js';

/** One cached list: a category id as ListProducts was asked it (0 = every category) and an order. */
export interface ListRef {
  readonly categoryId: number;
  readonly order: ListOrder;
}

/** A cached list's entries after a point, and its end marker. */
export interface CachedSlice {
  /** In the list's order, strictly after the point asked, at most the count asked. */
  readonly entries: Keyed[];
  /** True when the cached entries are the whole list; false when they are only its first ones. */
  readonly complete: boolean;
}

export interface StoredSlice {
  /** The generation of the list's category now: a backfill started from this read is written under it. */
  readonly generation: number;
  /** The list as cached, when one of this generation is kept; undefined is a miss. */
  readonly cached: CachedSlice | undefined;
}

export interface ListStore {
  /** Entries of `list` strictly after `from` (undefined: from the start), at most `count`. */
  read(list: ListRef, from: After | undefined, count: number): Promise<StoredSlice>;
  /**
   * Keeps `entries` (the list's first, in order) as the list of `generation`, for ttlMs. A
   * generation that has been bumped since is never served again, whenever this lands.
   */
  write(list: ListRef, generation: number, slice: CachedSlice, ttlMs: number): Promise<void>;
  /** A new generation for each category (once a write has committed), dropping their lists in every order. */
  bump(categoryIds: readonly number[]): Promise<void>;
}

/** Whether `a` is the point (keys, id) or comes before it in a list running in `direction`. */
function atOrBefore(a: Keyed, keys: readonly number[], id: number, direction: 'asc' | 'desc'): boolean {
  const sign = direction === 'asc' ? 1 : -1;
  for (let i = 0; i < keys.length; i++) {
    const diff = (a.keys[i]! - keys[i]!) * sign;
    if (diff !== 0) return diff < 0;
  }
  return (a.id - id) * sign <= 0;
}

/** The entries strictly after `from`, at most `count`, of a list sorted in `order` (binary search, then a slice). */
export function entriesAfter(sorted: readonly Keyed[], order: ListOrder, from: After | undefined, count: number): Keyed[] {
  let lo = 0;
  if (from) {
    const direction = directionOf(order);
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (atOrBefore(sorted[mid]!, from.keys, from.id, direction)) lo = mid + 1;
      else hi = mid;
    }
  }
  return sorted.slice(lo, lo + count);
}
