// Queries on `favorites`, and each user's recent-likes list in the service cache.
//
// IsFavorite (asked for every video of every feed page) reads one cached flag per (user, video),
// "no" cached like "yes": a warm page costs no query, the misses one primary-key lookup
// `user_id = ? AND video_id IN (…)`. A like or unlike deletes its one flag after the commit.
// Under cache-aside a load racing a like can put back the flag from before it; FLAG_TTL_MS bounds
// how long. ListFavorites caches the list page the same way, bounded by LIST_TTL_MS.
import { createPairFlags, type Cache } from '#kit/cache';
import type { ServiceDatabase } from '#kit/store';
import { MAX_LIST } from '../rules.js';
import type { InteractionDB } from './tables.js';
import type { Tx } from './tx.js';

/** How long a cached list or flag may outlive a delete lost to the cache-aside race (see above). */
const LIST_TTL_MS = 60_000;
const FLAG_TTL_MS = 60_000;

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
  /** Whether userId likes each of videoIds, in order. */
  likes(userId: number, videoIds: readonly number[]): Promise<boolean[]>;
  /** Video ids userId likes, most recent like first, at most limit (≤ MAX_LIST). */
  recent(userId: number, limit: number): Promise<number[]>;
}

export function createFavoriteModel(store: ServiceDatabase<InteractionDB>, cache: Cache): FavoriteModel {
  const db = store.db;
  const listKey = (userId: number) => `interaction:favorites:${userId}`;
  const flags = createPairFlags({ cache, prefix: 'interaction:likes', take: { ttlMs: FLAG_TTL_MS } });

  return {
    async add(f, inTx) {
      const added = await store.transaction(async (trx) => {
        const row = { user_id: f.userId, video_id: f.videoId, author_id: f.authorId, created_at: f.createdAt };
        if (!(await store.insertIgnore('favorites', row, { executor: trx }))) return false;
        await inTx(trx);
        return true;
      });
      if (added) await cache.del(listKey(f.userId), flags.key(f.userId, f.videoId));
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
      if (removed) await cache.del(listKey(userId), flags.key(userId, videoId));
      return removed;
    },

    likes: (userId, videoIds) =>
      flags.get(userId, videoIds, async (u, wanted) =>
        (await db.selectFrom('favorites').select('video_id').where('user_id', '=', u).where('video_id', 'in', wanted).execute()).map((r) => Number(r.video_id)),
      ),

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
