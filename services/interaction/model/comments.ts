// Queries on `comments` (any business's targets, one level threaded), and each video's newest
// comments in the service cache for the Douyin list: a hot video's list is one cache read,
// deleted after every post or delete on that video commits. A load racing a write can put back
// the list from before it (cache-aside); LIST_TTL_MS bounds how long.
//
// A thread's reply_count lives on its top-level row and changes in the transaction that adds or
// removes a reply. That row update is also the lock that orders a reply against its root's
// removal: whichever commits second sees the other (a reply to a removed root finds no row).
import type { Cache } from '#kit/cache';
import { Code, SurgeError } from '#kit/errors';
import { after, pageOf } from '#kit/paging';
import type { ServiceDatabase } from '#kit/store';
import type { TargetComment } from '#gen/surge/interaction/v1/interaction';
import { MAX_LIST, type Biz } from '../rules.js';
import type { CommentsTable, InteractionDB } from './tables.js';
import type { Tx } from './tx.js';

const LIST_TTL_MS = 60_000;

const COLUMNS = ['id', 'biz', 'target_id', 'user_id', 'content', 'owner_id', 'root_id', 'reply_to_user_id', 'reply_count', 'created_at'] as const;

/** A comment as stored: the contract's fields and the target's owner, who may remove it. */
export interface StoredComment extends TargetComment {
  ownerId: number;
}

// MariaDB returns BIGINT columns as strings: every id, count and time goes through Number().
const toComment = (r: CommentsTable): StoredComment => ({
  id: Number(r.id),
  biz: r.biz,
  targetId: Number(r.target_id),
  userId: Number(r.user_id),
  content: r.content,
  ownerId: Number(r.owner_id),
  rootId: Number(r.root_id),
  replyToUserId: Number(r.reply_to_user_id),
  replyCount: Number(r.reply_count),
  createdAt: Number(r.created_at),
});

/** Where a page starts: after the comment with this created_at and id. */
export interface After {
  createdAt: number;
  id: number;
}

export interface CommentModel {
  /** Inserts the comment (a reply also counts on its root) and runs inTx in the same transaction; NotFound naming reply_to when the root is gone. */
  add(c: StoredComment, inTx: (trx: Tx) => Promise<void>): Promise<void>;
  find(id: number): Promise<StoredComment | undefined>;
  /**
   * Deletes the comment if it is still there, with its replies when it is top-level; then runs
   * inTx with how many replies went with it, in the same transaction. False when already gone.
   */
  remove(c: StoredComment, inTx: (trx: Tx, replies: number) => Promise<void>): Promise<boolean>;
  /** rootId 0: the target's top-level comments, newest first; else the thread's replies, oldest first. limit + 1 rows are read: isEnd comes free. */
  page(biz: Biz, targetId: number, rootId: number, from: After | undefined, limit: number): Promise<{ comments: StoredComment[]; isEnd: boolean }>;
  /** A video's comments (every level), newest first, at most limit (≤ MAX_LIST): the Douyin list. */
  newestOfVideo(videoId: number, limit: number): Promise<StoredComment[]>;
}

export function createCommentModel(store: ServiceDatabase<InteractionDB>, cache: Cache): CommentModel {
  const db = store.db;
  const videoListKey = (videoId: number) => `interaction:comments:${videoId}`;
  const forget = (c: StoredComment) => (c.biz === 'video' ? cache.del(videoListKey(c.targetId)) : Promise.resolve());

  return {
    async add(c, inTx) {
      await store.transaction(async (trx) => {
        if (c.rootId !== 0) {
          const res = await trx.updateTable('comments').set((eb) => ({ reply_count: eb('reply_count', '+', 1) })).where('id', '=', c.rootId).executeTakeFirst();
          if (Number(res.numUpdatedRows) !== 1) throw new SurgeError(Code.NotFound, 'reply_to: the comment was removed', { details: { field: 'reply_to' } });
        }
        await trx
          .insertInto('comments')
          .values({
            id: c.id,
            biz: c.biz,
            target_id: c.targetId,
            user_id: c.userId,
            content: c.content,
            owner_id: c.ownerId,
            root_id: c.rootId,
            reply_to_user_id: c.replyToUserId,
            reply_count: 0,
            created_at: c.createdAt,
          })
          .execute();
        await inTx(trx);
      });
      await forget(c);
    },

    async find(id) {
      const r = await db.selectFrom('comments').select(COLUMNS).where('id', '=', id).executeTakeFirst();
      return r && toComment(r);
    },

    async remove(c, inTx) {
      const removed = await store.transaction(async (trx) => {
        // Of concurrent deletes of one comment, one deletes the row and records the event. The
        // row is deleted first: a reply being added under it waits for this, or this for it.
        const res = await trx.deleteFrom('comments').where('id', '=', c.id).executeTakeFirst();
        if (Number(res.numDeletedRows) !== 1) return false;
        let replies = 0;
        if (c.rootId === 0) {
          const gone = await trx.deleteFrom('comments').where('biz', '=', c.biz).where('target_id', '=', c.targetId).where('root_id', '=', c.id).executeTakeFirst();
          replies = Number(gone.numDeletedRows);
        } else {
          await trx.updateTable('comments').set((eb) => ({ reply_count: eb('reply_count', '-', 1) })).where('id', '=', c.rootId).where('reply_count', '>', 0).execute();
        }
        await inTx(trx, replies);
        return true;
      });
      if (removed) await forget(c);
      return removed;
    },

    async page(biz, targetId, rootId, from, limit) {
      const direction = rootId === 0 ? 'desc' : 'asc';
      let q = db.selectFrom('comments').select(COLUMNS).where('biz', '=', biz).where('target_id', '=', targetId).where('root_id', '=', rootId);
      if (from) q = q.where((eb) => after(eb, ['created_at', 'id'], [from.createdAt, from.id], direction));
      const rows = await q.orderBy('created_at', direction).orderBy('id', direction).limit(limit + 1).execute();
      const { rows: served, isEnd } = pageOf(rows, limit);
      return { comments: served.map(toComment), isEnd };
    },

    async newestOfVideo(videoId, limit) {
      const list = await cache.take<StoredComment[]>(
        videoListKey(videoId),
        async () => {
          const rows = await db
            .selectFrom('comments')
            .select(COLUMNS)
            .where('biz', '=', 'video')
            .where('target_id', '=', videoId)
            .orderBy('created_at', 'desc')
            .orderBy('id', 'desc')
            .limit(MAX_LIST)
            .execute();
          return rows.map(toComment);
        },
        { ttlMs: LIST_TTL_MS },
      );
      return (list ?? []).slice(0, limit);
    },
  };
}
