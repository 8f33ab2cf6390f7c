// Queries on `comments`, and each video's newest comments in the service cache: a hot video's
// comment list is one cache read, deleted after every post or delete on that video commits.
// A load racing a write can put back the list from before it (cache-aside); LIST_TTL_MS bounds
// how long, and the next write on the video deletes it again.
import type { Cache } from '#kit/cache';
import type { ServiceDatabase } from '#kit/store';
import type { Comment } from '#gen/surge/interaction/v1/interaction';
import { MAX_LIST } from '../rules.js';
import type { CommentsTable, InteractionDB } from './tables.js';
import type { Tx } from './tx.js';

const LIST_TTL_MS = 60_000;

const COLUMNS = ['id', 'video_id', 'user_id', 'content', 'created_at'] as const;

// MariaDB returns BIGINT columns as strings: every id and time goes through Number().
const toComment = (r: CommentsTable): Comment => ({
  id: Number(r.id),
  userId: Number(r.user_id),
  videoId: Number(r.video_id),
  content: r.content,
  createdAt: Number(r.created_at),
});

export interface CommentModel {
  /** Inserts the comment and runs inTx in the same transaction. */
  add(c: Comment, inTx: (trx: Tx) => Promise<void>): Promise<void>;
  find(id: number): Promise<Comment | undefined>;
  /** Deletes the comment if it is still there; then runs inTx in the same transaction. True when deleted. */
  remove(c: Comment, inTx: (trx: Tx) => Promise<void>): Promise<boolean>;
  /** A video's comments, newest first, at most limit (≤ MAX_LIST). */
  newest(videoId: number, limit: number): Promise<Comment[]>;
}

export function createCommentModel(store: ServiceDatabase<InteractionDB>, cache: Cache): CommentModel {
  const db = store.db;
  const listKey = (videoId: number) => `interaction:comments:${videoId}`;

  return {
    async add(c, inTx) {
      await store.transaction(async (trx) => {
        await trx
          .insertInto('comments')
          .values({ id: c.id, video_id: c.videoId, user_id: c.userId, content: c.content, created_at: c.createdAt })
          .execute();
        await inTx(trx);
      });
      await cache.del(listKey(c.videoId));
    },

    async find(id) {
      const r = await db.selectFrom('comments').select(COLUMNS).where('id', '=', id).executeTakeFirst();
      return r && toComment(r);
    },

    async remove(c, inTx) {
      const removed = await store.transaction(async (trx) => {
        // Of concurrent deletes of one comment, one deletes the row and records the event.
        const res = await trx.deleteFrom('comments').where('id', '=', c.id).executeTakeFirst();
        if (Number(res.numDeletedRows) !== 1) return false;
        await inTx(trx);
        return true;
      });
      if (removed) await cache.del(listKey(c.videoId));
      return removed;
    },

    async newest(videoId, limit) {
      const list = await cache.take<Comment[]>(
        listKey(videoId),
        async () => {
          const rows = await db
            .selectFrom('comments')
            .select(COLUMNS)
            .where('video_id', '=', videoId)
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
