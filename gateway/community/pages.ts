// Article pages kept for community.pageCacheMs on each gateway process (a microcache,
// #kit/cache createMicroCache): a hot article's detail and an author's list pages are built once
// per interval, however many anonymous readers ask, and a reader's feed page once per interval
// however often they refresh it. Counts are already shown a moment late (applied in batches), so
// the cache adds at most the interval to that. A signed-in reader's detail reuses the kept article
// and author but reads its counts and like flag fresh; their author lists are built per request.
// A write through this gateway drops what it changes here at once: publishing, editing or
// deleting an article its detail and the lists; a reader's own like or follow their feed pages.
// Other gateways' copies age out within the interval.
import { LRUCache } from 'lru-cache';
import { createMicroCache } from '#kit/cache';
import type { Article } from '#gen/surge/article/v1/article';
import type { TargetState } from '#gen/surge/interaction/v1/interaction';
import type { People } from './article-json.js';

/** A published article as anonymous readers get it, with what a signed-in reader's view is made from. */
export interface ShownArticle {
  readonly article: Article;
  readonly people: People;
  /** Its counts (liked: false) as the bytes show them. */
  readonly state: TargetState;
  /** The reply up to its counts, the same for every reader (article-json.ts articleReplyHead). */
  readonly head: Buffer;
  /** The anonymous reply's bytes. */
  readonly bytes: Buffer;
}

export interface ArticlePages {
  /** id's kept detail, or fill()'s (undefined: not published, kept nowhere). */
  detail(id: number, fill: () => Promise<ShownArticle | undefined>): Promise<ShownArticle | undefined>;
  /** id's kept detail if there is one now, without waiting (never fills). */
  keptDetail(id: number): ShownArticle | undefined;
  /**
   * A signed-in reader just read `shown`'s counts fresh and they differ: anonymous readers get
   * them too from now on (unless the article changed meanwhile), so signing out never shows an
   * older count than the one just seen.
   */
  fresher(id: number, shown: ShownArticle, next: ShownArticle): void;
  /** A kept list page by its query (author, order, cursor, limit), or fill()'s. */
  list(query: string, fill: () => Promise<Buffer>): Promise<Buffer>;
  /** An article was written through this gateway: its detail and every list page are built anew. */
  changed(id: number): void;
  /** A kept page of userId's feed by its query (cursor, limit), or fill()'s. */
  feed(userId: number, query: string, fill: () => Promise<Buffer>): Promise<Buffer>;
  /** userId liked, unliked, followed or unfollowed through this gateway: their feed pages are built anew. */
  readerChanged(userId: number): void;
}

/** Readers whose feed was dropped are remembered this many at a time (far more than change within an interval). */
const READERS_REMEMBERED = 100_000;

export function createArticlePages(o: { ttlMs: number; maxEntries?: number }): ArticlePages {
  const details = createMicroCache<ShownArticle>(o);
  const lists = createMicroCache<Buffer>(o);
  const feeds = createMicroCache<Buffer>(o);
  // Lists are keyed under a generation: one write makes every kept page unreachable (they age out).
  let generation = 0;
  // A reader's feed pages are keyed under the count of drops when they last changed something.
  const readers = new LRUCache<number, number>({ max: READERS_REMEMBERED });
  let drops = 0;
  return {
    detail: (id, fill) => details.get(String(id), fill),
    keptDetail: (id) => details.peek(String(id)),
    fresher: (id, shown, next) => details.replace(String(id), shown, next),
    list: async (query, fill) => (await lists.get(`${generation}:${query}`, fill))!,
    changed(id) {
      details.drop(String(id));
      generation++;
    },
    feed: async (userId, query, fill) => (await feeds.get(`${readers.get(userId) ?? 0}:${userId}:${query}`, fill))!,
    readerChanged(userId) {
      readers.set(userId, ++drops);
    },
  };
}
