// Queries on `favorites`, and each user's recent-likes list in the service cache.
//
// IsFavorite reads the table, not a cache: one primary-key lookup `user_id = ? AND video_id IN (…)`
// is cheap, and it is always right. A cached per-user set would be wrong for users with more
// likes than it holds, and under cache-aside a load racing a like can put back the set from
// before the like, so a feed would show "not liked" right after the user liked.
// ListFavorites does use the cache (the list page is read far more than it changes); the same race
// there leaves the list stale at worst until LIST_TTL_MS, and a like deletes the key after commit.
import type { Cache } from '#kit/cache';
import type { ServiceDatabase } from '#kit/store';
import { MAX_LIST } from '../rules.js';
import type { InteractionDB } from './tables.js';
import type { Tx } from './tx.js';

/** How long a cached list may outlive a delete lost to the cache-aside race (see above). */
const LIST_TTL_MS = 60_000;

export interface NewFavorite {
  userId: number;
  videoId: number;
  authorId: number;
  createdAt: number;
}

export interface FavoriteModel {
  /** Inserts the like unless the user already likes the video; then runs inTx in the same transaction. True when inserted. */
  add(f: NewFavorite, inTx: (trx: Tx) => Promise<void>): Promise<boolean>;
  /** Deletes the like if it is there; then runs inTx, with the author kept on the row, in the same transaction. True when deleted. */
  remove(userId: number, videoId: number, inTx: (trx: Tx, authorId: number) => Promise<void>): Promise<boolean>;
  /** The ids among videoIds that userId likes. */
  likedAmong(userId: number, videoIds: readonly number[]): Promise<Set<number>>;
  /** Video ids userId likes, most recent like first, at most limit (≤ MAX_LIST). */
  recent(userId: number, limit: number): Promise<number[]>;
}

export function createFavoriteModel(store: ServiceDatabase<InteractionDB>, cache: Cache): FavoriteModel {
  const db = store.db;
  const listKey = (userId: number) => `interaction:favorites:${userId}`;

  return {
    async add(f, inTx) {
      const added = await store.transaction(async (trx) => {
        const row = { user_id: f.userId, video_id: f.videoId, author_id: f.authorId, created_at: f.createdAt };
        if (!(await store.insertIgnore('favorites', row, { executor: trx }))) return false;
        await inTx(trx);
        return true;
      });
      if (added) await cache.del(listKey(f.userId));
      return added;
    },

    async remove(userId, videoId, inTx) {
      const removed = await store.transaction(async (trx) => {
        const row = await trx
          .selectFrom('favorites')
          .select('author_id')
          .where('user_id', '=', userId)
          .where('video_id', '=', videoId)
          .executeTakeFirst();
        if (!row) return false;
        // The delete decides: of concurrent unlikes that all read the row, one deletes it and
        // the rest delete nothing, so exactly one of them records the event.
        const res = await trx.deleteFrom('favorites').where('user_id', '=', userId).where('video_id', '=', videoId).executeTakeFirst();
        if (Number(res.numDeletedRows) !== 1) return false;
        await inTx(trx, Number(row.author_id));
        return true;
      });
      if (removed) await cache.del(listKey(userId));
      return removed;
    },

    async likedAmong(userId, videoIds) {
      if (videoIds.length === 0) return new Set();
      const rows = await db
        .selectFrom('favorites')
        .select('video_id')
        .where('user_id', '=', userId)
        .where('video_id', 'in', [...new Set(videoIds)])
        .execute();
      return new Set(rows.map((r) => Number(r.video_id)));
    },

    async recent(userId, limit) {
      const ids = await cache.take<number[]>(
        listKey(userId),
        async () => {
          const rows = await db
            .selectFrom('favorites')
            .select('video_id')
            .where('user_id', '=', userId)
            // video_id breaks ties between likes of the same millisecond, so pages are stable.
            .orderBy('created_at', 'desc')
            .orderBy('video_id', 'desc')
            .limit(MAX_LIST)
            .execute();
          return rows.map((r) => Number(r.video_id));
        },
        { ttlMs: LIST_TTL_MS },
      );
      return (ids ?? []).slice(0, limit);
    },
  };
}
