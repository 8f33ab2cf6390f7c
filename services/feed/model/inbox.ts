// The inbox: the articles pushed to each follower. Inserts ignore rows already there, so a
// redelivered event, a backfill overlapping a push, or a push retried after a partial run adds
// nothing twice.
import type { Kysely } from 'kysely';
import { after } from '#kit/paging';
import { entryOf, rowOf } from './rows.js';
import type { After, FeedDB, FeedEntry } from './tables.js';
import type { Tx } from './tx.js';

export interface InboxModel {
  /** Puts each entry in each user's inbox (rows already there are kept). */
  add(userIds: readonly number[], entries: readonly FeedEntry[], trx?: Tx): Promise<void>;
  /** limit + 1 of a user's entries after `from`, newest first. */
  page(userId: number, from: After | undefined, limit: number): Promise<FeedEntry[]>;
  /** Drops one author's entries from one user's inbox (an unfollow). */
  removeAuthor(userId: number, authorId: number, trx?: Tx): Promise<void>;
  /** Drops an article from every inbox (a delete). */
  removeArticle(articleId: number): Promise<void>;
}

export function createInboxModel(db: Kysely<FeedDB>): InboxModel {
  return {
    async add(userIds, entries, trx) {
      const rows = userIds.flatMap((userId) => entries.map((e) => ({ user_id: userId, ...rowOf(e) })));
      if (rows.length === 0) return;
      // One statement per batch: INSERT IGNORE on MariaDB, INSERT OR IGNORE on SQLite.
      await (trx ?? db).insertInto('inbox').values(rows).orIgnore().execute();
    },

    async page(userId, from, limit) {
      let q = db.selectFrom('inbox').select(['article_id', 'author_id', 'created_at']).where('user_id', '=', userId);
      if (from) q = q.where((eb) => after(eb, ['created_at', 'article_id'], [from.createdAt, from.articleId], 'desc'));
      const rows = await q.orderBy('created_at', 'desc').orderBy('article_id', 'desc').limit(limit + 1).execute();
      return rows.map(entryOf);
    },

    async removeAuthor(userId, authorId, trx) {
      await (trx ?? db).deleteFrom('inbox').where('user_id', '=', userId).where('author_id', '=', authorId).execute();
    },

    async removeArticle(articleId) {
      await db.deleteFrom('inbox').where('article_id', '=', articleId).execute();
    },
  };
}
