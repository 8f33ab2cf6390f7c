// In-process feed index: entries in a sorted array, oldest first, so the common add (the newest
// video) is an append and a page is one binary search plus a slice.
import type { FeedEntry, FeedIndex, FeedSlice } from './feed-index-types.js';

/** First position whose publishedAt is ≥ at (the array is sorted by publishedAt, ascending). */
function lowerBound(sorted: readonly FeedEntry[], at: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.publishedAt < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function createMemoryFeedIndex(capacity: number): FeedIndex {
  const sorted: FeedEntry[] = [];
  let built = false;

  const insert = (e: FeedEntry) => {
    const at = lowerBound(sorted, e.publishedAt);
    const there = sorted[at];
    if (there && there.publishedAt === e.publishedAt && there.id === e.id) return;
    sorted.splice(at, 0, { id: e.id, publishedAt: e.publishedAt });
  };

  return {
    capacity,

    async before(before, limit): Promise<FeedSlice> {
      const end = before === Infinity ? sorted.length : lowerBound(sorted, before);
      const entries = sorted.slice(Math.max(0, end - limit), end).reverse();
      return { entries, size: sorted.length, built };
    },

    async add(entries, options) {
      for (const e of entries) insert(e);
      if (sorted.length > capacity) sorted.splice(0, sorted.length - capacity);
      if (options?.built) built = true;
    },
  };
}
