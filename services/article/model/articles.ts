// Article rows: whole rows through the row cache (article:id:<id>), so a detail read is one cache
// round trip; a miss (and an id that never existed, cached as not found) reaches the database
// once. Writes keep the search index (article_terms) in the article's own transaction and drop the
// cached row after commit (delete after write).
import type { Kysely, Transaction } from 'kysely';
import type { Cache } from '#kit/cache';
import { deleteTerms, writeTerms } from '#kit/search';
import { createRowCache, type ServiceDatabase } from '#kit/store';
import type { Article } from '#gen/surge/article/v1/article';
import type { ArticleDB, ArticlesTable } from './tables.js';
import { createAuthorLists } from './author-lists.js';
import { hotScore } from './hot.js';
import { ARTICLE_TERMS, articleTerms } from './terms.js';

const COLUMNS = ['id', 'author_id', 'title', 'content', 'cover_url', 'tags', 'like_count', 'comment_count', 'view_count', 'status', 'created_at', 'updated_at'] as const;

type ArticleRow = Pick<ArticlesTable, (typeof COLUMNS)[number]>;

// MariaDB returns bigint columns as strings: every number goes through Number().
const toArticle = (r: ArticleRow): Article => ({
  id: Number(r.id),
  authorId: Number(r.author_id),
  title: r.title,
  content: r.content,
  coverUrl: r.cover_url,
  tags: JSON.parse(r.tags) as string[],
  likeCount: Number(r.like_count),
  commentCount: Number(r.comment_count),
  viewCount: Number(r.view_count),
  status: r.status,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/** An article as first written: its counters start at 0. */
export type NewArticle = Pick<ArticlesTable, 'id' | 'author_id' | 'title' | 'content' | 'cover_url' | 'status' | 'created_at'> & { tags: readonly string[] };

export interface ArticlePatch {
  title?: string;
  content?: string;
  cover_url?: string;
  tags?: readonly string[];
  /** Publishes a draft: status published, created_at now (the newest order is by publishing time). */
  publish?: true;
}

export interface ArticleModel {
  /** Rows in the order of ids, missing ones left out: one cache round trip, one query for the misses. */
  byIds(ids: readonly number[]): Promise<Article[]>;
  /** The row and its search terms, then inTx (the event), in one transaction. */
  insert(row: NewArticle, inTx: (trx: Transaction<ArticleDB>) => Promise<void>): Promise<Article>;
  /**
   * Applies the patch when `allowed(before)` holds (re-indexing a changed title, tags or body), in
   * one transaction: the row before and after it; undefined when there is no such article.
   */
  update(
    id: number,
    patch: ArticlePatch,
    now: number,
    allowed: (before: Article) => void,
    inTx?: (trx: Transaction<ArticleDB>, before: Article, after: Article) => Promise<void>,
  ): Promise<{ before: Article; after: Article } | undefined>;
  /** Deletes the row and its terms when `allowed(row)` holds, then runs inTx (the event), in one transaction: the deleted row, or undefined when there was none. */
  remove(id: number, allowed: (row: Article) => void, inTx: (trx: Transaction<ArticleDB>, row: Article) => Promise<void>): Promise<Article | undefined>;
  /** Adds to the like and comment counts of articles in trx, in id order (concurrent batches lock rows alike); a deleted article's are dropped. */
  addCounts(trx: Transaction<ArticleDB>, sums: readonly CountSum[]): Promise<void>;
  /** Adds views to articles and rescores them, in one transaction; a deleted article's are dropped. Then drops the cached rows. */
  addViews(sums: readonly { id: number; views: number }[]): Promise<void>;
  /** Drops cached rows after their counts changed. */
  forget(ids: readonly number[]): Promise<void>;
}

/** What a batch of like and comment events adds to one article. */
export interface CountSum {
  id: number;
  likes: number;
  comments: number;
}

export function createArticleModel(store: ServiceDatabase<ArticleDB>, cache: Cache): ArticleModel {
  const rows = createRowCache<Article>({ cache, prefix: 'article' });
  const authorLists = createAuthorLists(cache);

  const readIn = async (on: Kysely<ArticleDB>, wanted: readonly number[]): Promise<Article[]> => {
    if (wanted.length === 0) return [];
    const found = new Map((await on.selectFrom('articles').select(COLUMNS).where('id', 'in', [...wanted]).execute()).map((r) => [Number(r.id), toArticle(r)]));
    return wanted.flatMap((id) => found.get(id) ?? []);
  };

  /** The hot score from the counts as they now stand, in the transaction that changed them. */
  const rescore = async (trx: Kysely<ArticleDB>, id: number) => {
    const r = await trx.selectFrom('articles').select(['like_count', 'comment_count', 'view_count', 'created_at']).where('id', '=', id).executeTakeFirst();
    if (!r) return;
    const score = hotScore({ likeCount: Number(r.like_count), commentCount: Number(r.comment_count), viewCount: Number(r.view_count), createdAt: Number(r.created_at) });
    await trx.updateTable('articles').set({ hot_score: score }).where('id', '=', id).execute();
  };

  return {
    byIds: (wanted) => rows.byIds(wanted, (missing) => readIn(store.db, missing)),

    async insert(row, inTx) {
      const stored: ArticlesTable = { ...row, tags: JSON.stringify(row.tags), like_count: 0, comment_count: 0, view_count: 0, hot_score: hotScore({ likeCount: 0, commentCount: 0, viewCount: 0, createdAt: row.created_at }), updated_at: row.created_at };
      await store.transaction(async (trx) => {
        await trx.insertInto('articles').values(stored).execute();
        await writeTerms(trx, ARTICLE_TERMS, row.id, articleTerms(row.title, row.tags, row.content), { fresh: true });
        await inTx(trx);
      });
      // A not-found placeholder may be cached for this id (looked up before it existed).
      await rows.invalidate({ id: row.id });
      if (row.status === 'published') await authorLists.forget(row.author_id);
      return toArticle(stored);
    },

    async update(id, patch, now, allowed, inTx) {
      const updated = await store.transaction(async (trx) => {
        const before = (await readIn(trx, [id]))[0];
        if (!before) return undefined;
        allowed(before);
        const { tags, publish, ...columns } = patch;
        const publishing = publish === true && before.status === 'draft';
        const set = { ...columns, ...(tags ? { tags: JSON.stringify(tags) } : {}), ...(publishing ? { status: 'published' as const, created_at: now } : {}) };
        if (Object.keys(set).length === 0) return { before, after: before };
        await trx.updateTable('articles').set({ ...set, updated_at: now }).where('id', '=', id).execute();
        if (publishing) await rescore(trx, id);
        const after = (await readIn(trx, [id]))[0]!;
        await inTx?.(trx, before, after);
        if (after.title !== before.title || after.content !== before.content || after.tags.join('\n') !== before.tags.join('\n')) {
          await writeTerms(trx, ARTICLE_TERMS, id, articleTerms(after.title, after.tags, after.content));
        }
        return { before, after };
      });
      if (updated) await rows.invalidate({ id });
      if (updated && updated.before.status !== updated.after.status) await authorLists.forget(updated.after.authorId);
      return updated;
    },

    async remove(id, allowed, inTx) {
      const removed = await store.transaction(async (trx) => {
        const row = (await readIn(trx, [id]))[0];
        if (!row) return undefined;
        allowed(row);
        await deleteTerms(trx, ARTICLE_TERMS, id);
        await trx.deleteFrom('articles').where('id', '=', id).execute();
        await inTx(trx, row);
        return row;
      });
      if (removed) await rows.invalidate({ id });
      if (removed) await authorLists.forget(removed.authorId);
      return removed;
    },

    async addCounts(trx, sums) {
      for (const c of [...sums].sort((a, b) => a.id - b.id)) {
        if (c.likes === 0 && c.comments === 0) continue;
        await trx
          .updateTable('articles')
          .set((eb) => ({ like_count: eb('like_count', '+', c.likes), comment_count: eb('comment_count', '+', c.comments) }))
          .where('id', '=', c.id)
          .execute();
        await rescore(trx, c.id);
      }
    },

    async addViews(sums) {
      const ordered = [...sums].filter((v) => v.views > 0).sort((a, b) => a.id - b.id);
      if (ordered.length === 0) return;
      await store.transaction(async (trx) => {
        for (const v of ordered) {
          await trx.updateTable('articles').set((eb) => ({ view_count: eb('view_count', '+', v.views) })).where('id', '=', v.id).execute();
          await rescore(trx, v.id);
        }
      });
      await Promise.all(ordered.map((v) => rows.invalidate({ id: v.id })));
    },

    async forget(ids) {
      await Promise.all([...new Set(ids)].map((id) => rows.invalidate({ id })));
    },
  };
}
