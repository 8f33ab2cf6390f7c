// The newest page of the Douyin feed, kept for douyin.feedCacheMs on each gateway process (a
// microcache, #kit/cache createMicroCache, as community.pageCacheMs keeps article pages;
// decision 86). Everyone's first screen is the same 30 videos and their authors: they are loaded
// (a Feed and a GetUsers call, ~60 cache lookups) once per interval instead of once per request,
// and only what is the viewer's own, their follow and like flags, is read per request. Counts are
// already shown a moment late (applied from events), so the interval adds at most itself to that.
// A video published through this gateway drops the page at once; other gateways' pages age out.
import { createMicroCache } from '#kit/cache';
import type { Clock } from '#kit/clock';
import type { User } from '#gen/surge/user/v1/user';
import type { Video } from '#gen/surge/video/v1/video';

/** A feed page as the feed service and the user service gave it, before any viewer's flags. */
export interface FeedPage {
  readonly videos: Video[];
  readonly nextTime: number;
  /** The videos' authors by id (a gone account as an empty profile). */
  readonly authors: ReadonlyMap<number, User>;
  /** The authors' ids, each once, in the order of `authors`. */
  readonly authorIds: number[];
}

export interface NewestFeedPage {
  /**
   * The page of videos published before `before` (0: the newest). The newest page is kept and
   * also answers a `before` after its newest video (a client sending the time it refreshed), where
   * the feed service would answer the same; any other `before` is loaded as asked.
   */
  get(before: number, load: (before: number) => Promise<FeedPage>): Promise<FeedPage>;
  /** A video was published through this gateway: the next request loads the newest page anew. */
  changed(): void;
}

const KEY = 'newest';

/** ttlMs: douyin.feedCacheMs; clock: default systemClock (tests pass a ManualClock). */
export function createNewestFeedPage(o: { ttlMs: number; clock?: Clock }): NewestFeedPage {
  const kept = createMicroCache<FeedPage>({ ttlMs: o.ttlMs, maxEntries: 1, clock: o.clock });
  return {
    async get(before, load) {
      if (o.ttlMs === 0) return load(before);
      const newest = (await kept.get(KEY, () => load(0)))!;
      if (before === 0) return newest;
      const top = newest.videos[0];
      return top !== undefined && before > top.publishedAt ? newest : load(before);
    },
    changed: () => kept.drop(KEY),
  };
}
