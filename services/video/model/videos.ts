// Queries on `videos`, and the video row kept in the row cache (counters included: the
// consumer that changes them invalidates the row).
import { sql, type Transaction } from 'kysely';
import type { Cache } from '#kit/cache';
import { createRowCache, isUniqueViolation, type ServiceDatabase } from '#kit/store';
import type { Video } from '#gen/surge/video/v1/video';
import type { FeedEntry } from './feed-index.js';
import type { VideoDB, VideosTable } from './tables.js';

const COLUMNS = ['id', 'author_id', 'title', 'play_key', 'cover_key', 'published_at', 'favorite_count', 'comment_count'] as const;

// MariaDB returns bigint columns as strings: every number goes through Number().
/**
 * A counter as served. Stored counters are the plain sum of their events' deltas, which dips
 * below 0 while an unlike or a comment's delete is applied ahead of its like or post (events are
 * not ordered); the sum is exact once both are in, and meanwhile the video shows 0 (decision 70).
 */
const shown = (stored: number): number => Math.max(0, Number(stored));

const toVideo = (r: VideosTable): Video => ({
  id: Number(r.id),
  authorId: Number(r.author_id),
  title: r.title,
  playKey: r.play_key,
  coverKey: r.cover_key,
  publishedAt: Number(r.published_at),
  favoriteCount: shown(r.favorite_count),
  commentCount: shown(r.comment_count),
});

export type NewVideo = Omit<VideosTable, 'favorite_count' | 'comment_count'>;
export type Counter = 'favorite_count' | 'comment_count';

export interface VideoModel {
  /**
   * Inserts the row and runs `alongside` (the outbox event) in the same transaction.
   * 'published_at taken' when another video holds that instant; nothing is written then.
   */
  insert(row: NewVideo, alongside: (trx: Transaction<VideoDB>) => Promise<void>): Promise<'ok' | 'published_at taken'>;
  /** Rows in the order of ids, missing ones left out: one cache round trip, one query for misses. */
  byIds(ids: readonly number[]): Promise<Video[]>;
  /** An author's video ids, newest first. */
  idsByAuthor(authorId: number, limit: number): Promise<number[]>;
  /** The newest `limit` entries, for filling the feed index. */
  newest(limit: number): Promise<FeedEntry[]>;
  /** Whole rows published strictly before `before` (Infinity: no bound), newest first: the feed without its index. */
  pageBefore(before: number, limit: number): Promise<Video[]>;
  /** counter += delta, unclamped (shown as max(0, n)), in the caller's transaction. */
  addToCounter(trx: Transaction<VideoDB>, id: number, counter: Counter, delta: number): Promise<void>;
  /** Delete after write: drops the cached row once a change has committed. */
  invalidate(id: number): Promise<void>;
}

export function createVideoModel(store: ServiceDatabase<VideoDB>, cache: Cache): VideoModel {
  const db = store.db;
  const rows = createRowCache<Video>({ cache, prefix: 'video' });
  const select = () => db.selectFrom('videos').select(COLUMNS);

  return {
    async insert(row, alongside) {
      try {
        await store.transaction(async (trx) => {
          await trx.insertInto('videos').values({ ...row, favorite_count: 0, comment_count: 0 }).execute();
          await alongside(trx);
        });
        return 'ok';
      } catch (err) {
        // The id is a snowflake, so the only unique value two videos can share is published_at.
        if (isUniqueViolation(err)) return 'published_at taken';
        throw err;
      }
    },

    byIds: (ids) => rows.byIds(ids, async (missing) => (await select().where('id', 'in', missing).execute()).map(toVideo)),

    async idsByAuthor(authorId, limit) {
      const found = await db.selectFrom('videos').select('id').where('author_id', '=', authorId).orderBy('published_at', 'desc').limit(limit).execute();
      return found.map((r) => Number(r.id));
    },

    async newest(limit) {
      const found = await db.selectFrom('videos').select(['id', 'published_at']).orderBy('published_at', 'desc').limit(limit).execute();
      return found.map((r) => ({ id: Number(r.id), publishedAt: Number(r.published_at) }));
    },

    async pageBefore(before, limit) {
      let q = select();
      if (Number.isFinite(before)) q = q.where('published_at', '<', before);
      return (await q.orderBy('published_at', 'desc').limit(limit).execute()).map(toVideo);
    },

    async addToCounter(trx, id, counter, delta) {
      // No floor here: an unlike applied before its like would be lost to it, and the like that
      // follows would leave the count one too high for good. Reads clamp instead (shown).
      await trx
        .updateTable('videos')
        .set({ [counter]: sql<number>`${sql.ref(counter)} + ${delta}` })
        .where('id', '=', id)
        .execute();
    },

    invalidate: (id) => rows.invalidate({ id }),
  };
}
