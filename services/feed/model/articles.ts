// The feed's own index of articles: every article (for a new follower's backfill; a deleted one
// kept as a tombstone), and apart the ones not pushed because their author was big when they were
// published (read at feed time).
// An article stays pulled even if its author later shrinks below the push limit, and pushed
// rows stay in inboxes when an author grows past it: each article is in the feed one way or the
// other, and the read merges both, keeping one of any article found twice.
import type { Kysely } from 'kysely';
import { after } from '#kit/paging';
import { entryOf, rowOf } from './rows.js';
import type { After, FeedDB, FeedEntry } from './tables.js';
import type { Tx } from './tx.js';

/** Authors per IN list: far below any driver's parameter limit. */
const AUTHORS_PER_QUERY = 500;

export interface ArticleIndex {
  /**
   * Records a published article, `pulled` when it is not pushed; recording it again changes
   * nothing. False, recording nothing, for an article deleted already: it must not be pushed.
   */
  record(entry: FeedEntry, pulled: boolean): Promise<boolean>;
  /** An author's newest `limit` articles (pushed or not). */
  newest(authorId: number, limit: number, trx?: Tx): Promise<FeedEntry[]>;
  /** Those of `authorIds` with pulled articles. */
  pulledAuthors(authorIds: readonly number[]): Promise<number[]>;
  /** limit + 1 of an author's pulled articles after `from`, newest first. */
  pulledPage(authorId: number, from: After | undefined, limit: number): Promise<FeedEntry[]>;
  /** Marks an article deleted (a tombstone, made if its publish has not come yet) and unpulls it. */
  remove(articleId: number, authorId: number): Promise<void>;
}

export function createArticleIndex(db: Kysely<FeedDB>): ArticleIndex {
  return {
    async record(entry, pulled) {
      await db.insertInto('articles').values({ ...rowOf(entry), deleted: 0 }).orIgnore().execute();
      const row = await db.selectFrom('articles').select('deleted').where('article_id', '=', entry.articleId).executeTakeFirst();
      if (Number(row?.deleted ?? 0) === 1) return false;
      if (pulled) await db.insertInto('pulled').values(rowOf(entry)).orIgnore().execute();
      return true;
    },

    async newest(authorId, limit, trx) {
      const rows = await (trx ?? db)
        .selectFrom('articles')
        .select(['article_id', 'author_id', 'created_at'])
        .where('author_id', '=', authorId)
        .where('deleted', '=', 0)
        .orderBy('created_at', 'desc')
        .orderBy('article_id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(entryOf);
    },

    async pulledAuthors(authorIds) {
      const found: number[] = [];
      for (let i = 0; i < authorIds.length; i += AUTHORS_PER_QUERY) {
        const chunk = authorIds.slice(i, i + AUTHORS_PER_QUERY);
        const rows = await db.selectFrom('pulled').select('author_id').distinct().where('author_id', 'in', chunk).execute();
        found.push(...rows.map((r) => Number(r.author_id)));
      }
      return found;
    },

    async pulledPage(authorId, from, limit) {
      let q = db.selectFrom('pulled').select(['article_id', 'author_id', 'created_at']).where('author_id', '=', authorId);
      if (from) q = q.where((eb) => after(eb, ['created_at', 'article_id'], [from.createdAt, from.articleId], 'desc'));
      const rows = await q.orderBy('created_at', 'desc').orderBy('article_id', 'desc').limit(limit + 1).execute();
      return rows.map(entryOf);
    },

    async remove(articleId, authorId) {
      await db.insertInto('articles').values({ article_id: articleId, author_id: authorId, created_at: 0, deleted: 1 }).orIgnore().execute();
      await db.updateTable('articles').set({ deleted: 1 }).where('article_id', '=', articleId).execute();
      await db.deleteFrom('pulled').where('article_id', '=', articleId).execute();
    },
  };
}
