// The id queries behind the article lists: an author's, newest first or by likes (its first pages
// from a cached head: author-lists.ts), the hot list, and search matches. Each reads limit + 1
// (id, sort keys) from an index, so a page knows whether it is the last; the rows themselves come
// from the row cache.
import { sql, type Kysely } from 'kysely';
import { after } from '#kit/paging';
import { matchingAll } from '#kit/search';
import type { ArticleDB, ArticleStatus } from './tables.js';
import { ARTICLE_TERMS } from './terms.js';

import type { Cache } from '#kit/cache';
import { createAuthorLists, type AuthorOrder, type Keyed } from './author-lists.js';

export type { AuthorOrder, Keyed };

export const AUTHOR_ORDERS: readonly AuthorOrder[] = ['newest', 'likes'];

/** The column each author list is sorted by, descending, before the id (descending too). */
const COLUMN: Record<AuthorOrder, 'created_at' | 'like_count'> = { newest: 'created_at', likes: 'like_count' };


/** Where a page starts: after the row with these keys and id. */
export interface After {
  keys: number[];
  id: number;
}

export interface ListModel {
  /** An author's published articles in `order`, ties broken by id, all descending. */
  byAuthor(authorId: number, order: AuthorOrder, from: After | undefined, limit: number): Promise<Keyed[]>;
  /** Published articles holding every term: by score (the weights of the terms found), created_at, id; all descending. */
  search(terms: readonly string[], from: After | undefined, limit: number): Promise<Keyed[]>;
  /** Published articles by hot_score, then id, both descending. */
  hot(from: After | undefined, limit: number): Promise<Keyed[]>;
  /** An author's drafts, newest first, ties by id. */
  drafts(authorId: number, from: After | undefined, limit: number): Promise<Keyed[]>;
}

export function createListModel(db: Kysely<ArticleDB>, cache: Cache): ListModel {
  const heads = createAuthorLists(cache);
  /** An author's articles of one status by `column`, then id, both descending (the author indexes). */
  const ofAuthor = async (authorId: number, status: ArticleStatus, column: 'created_at' | 'like_count', from: After | undefined, limit: number): Promise<Keyed[]> => {
    let q = db.selectFrom('articles').select(['id', column]).where('author_id', '=', authorId).where('status', '=', status);
    if (from) q = q.where((eb) => after(eb, [column, 'id'], [...from.keys, from.id], 'desc'));
    const found = await q.orderBy(column, 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
    return found.map((r) => ({ id: Number(r.id), keys: [Number((r as Record<string, unknown>)[column])] }));
  };

  return {
    // The head of the list from the cache (author-lists.ts); deeper pages from the index.
    byAuthor: async (authorId, order, from, limit) =>
      (await heads.page(authorId, order, from, limit, (n) => ofAuthor(authorId, 'published', COLUMN[order], undefined, n))) ??
      ofAuthor(authorId, 'published', COLUMN[order], from, limit),

    drafts: (authorId, from, limit) => ofAuthor(authorId, 'draft', 'created_at', from, limit),

    async search(terms, from, limit) {
      let q = db
        .selectFrom(matchingAll(db, ARTICLE_TERMS, terms).as('m'))
        .innerJoin('articles as a', 'a.id', 'm.doc_id')
        .select(['a.id', 'a.created_at', sql<number>`m.score`.as('score')])
        .where('a.status', '=', 'published');
      if (from) q = q.where((eb) => after(eb, ['m.score', 'a.created_at', 'a.id'], [...from.keys, from.id], 'desc'));
      const found = await q.orderBy('m.score', 'desc').orderBy('a.created_at', 'desc').orderBy('a.id', 'desc').limit(limit + 1).execute();
      return found.map((r) => ({ id: Number(r.id), keys: [Number(r.score), Number(r.created_at)] }));
    },

    async hot(from, limit) {
      let q = db.selectFrom('articles').select(['id', 'hot_score']).where('status', '=', 'published');
      if (from) q = q.where((eb) => after(eb, ['hot_score', 'id'], [...from.keys, from.id], 'desc'));
      const found = await q.orderBy('hot_score', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
      return found.map((r) => ({ id: Number(r.id), keys: [Number(r.hot_score)] }));
    },
  };
}
