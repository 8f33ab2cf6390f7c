// Rows of the feed's tables as entries: MariaDB answers bigints as strings.
import type { FeedEntry } from './tables.js';

export interface EntryRow {
  article_id: number | string;
  author_id: number | string;
  created_at: number | string;
}

export const entryOf = (r: EntryRow): FeedEntry => ({ articleId: Number(r.article_id), authorId: Number(r.author_id), createdAt: Number(r.created_at) });

export const rowOf = (e: FeedEntry) => ({ article_id: e.articleId, author_id: e.authorId, created_at: e.createdAt });

/** Newest first: created_at, then article id, both descending (the order of every feed query). */
export const newestFirst = (a: FeedEntry, b: FeedEntry): number => b.createdAt - a.createdAt || b.articleId - a.articleId;
