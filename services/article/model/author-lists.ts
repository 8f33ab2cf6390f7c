// The head of each author's lists (newest, by likes) in the service cache: the first HEAD_ROWS
// (sort key, id) pairs, and whether that is the whole list (the end marker). A page inside the head
// is served from it; a page past it reads the index, as does a miss, which loads the head again
// (backfill). Publishing, publishing a draft and deleting drop the author's heads after the commit;
// the "by likes" head also lives only LIKES_TTL_MS, as like counts change in batches all the time.
// A head is one cache value, so the local tier and Redis hold it alike, embedded or not.
import type { Cache } from '#kit/cache';

/** Pairs a head holds: the first ten pages of 20. */
export const HEAD_ROWS = 200;
const NEWEST_TTL_MS = 60_000;
const LIKES_TTL_MS = 5_000;

export type AuthorOrder = 'newest' | 'likes';

/** An id with the keys it was sorted by (before the id), for the next page's cursor. */
export interface Keyed {
  id: number;
  keys: number[];
}

interface Head {
  rows: Keyed[];
  /** The head is the author's whole list. */
  complete: boolean;
}

export interface AuthorLists {
  /**
   * The limit + 1 rows after `from` (or from the top), from the head when it holds them or is
   * complete; undefined when the page reaches past the head (the caller reads the index).
   * `load(n)` reads the first n + 1 rows from the index on a miss.
   */
  page(authorId: number, order: AuthorOrder, from: { keys: number[]; id: number } | undefined, limit: number, load: (n: number) => Promise<Keyed[]>): Promise<Keyed[] | undefined>;
  /** Drops the author's heads; after the commit that changed what they list. */
  forget(authorId: number): Promise<void>;
}

/** Descending (keys…, id): is row strictly after the cursor? */
const isAfter = (row: Keyed, from: { keys: number[]; id: number }) => {
  for (let i = 0; i < from.keys.length; i++) if (row.keys[i] !== from.keys[i]) return row.keys[i]! < from.keys[i]!;
  return row.id < from.id;
};

export function createAuthorLists(cache: Cache, headRows = HEAD_ROWS): AuthorLists {
  const key = (authorId: number, order: AuthorOrder) => `article:author:${order}:${authorId}`;
  return {
    async page(authorId, order, from, limit, load) {
      const head = await cache.take<Head>(
        key(authorId, order),
        async () => {
          const rows = await load(headRows);
          return { rows: rows.slice(0, headRows), complete: rows.length <= headRows };
        },
        { ttlMs: order === 'likes' ? LIKES_TTL_MS : NEWEST_TTL_MS },
      );
      if (!head) return undefined;
      const start = from ? head.rows.findIndex((r) => isAfter(r, from)) : 0;
      if (start === -1) return head.complete ? [] : undefined;
      const rows = head.rows.slice(start, start + limit + 1);
      return rows.length === limit + 1 || head.complete ? rows : undefined;
    },
    forget: (authorId) => cache.del(key(authorId, 'newest'), key(authorId, 'likes')),
  };
}
