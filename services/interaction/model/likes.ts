// Queries on `likes` (any business's targets), and each user's recent likes of a business in the
// service cache.
//
// Is-liked (asked for every item of every feed or list page) reads one cached flag per (user,
// target), "no" cached like "yes": a warm page costs no query, the misses one primary-key lookup
// `user_id = ? AND biz = ? AND target_id IN (…)`. A like or unlike deletes its one flag after the
// commit. Under cache-aside a load racing a like can put back the flag from before it;
// FLAG_TTL_MS bounds how long. The recent-likes list is cached the same way, bounded by LIST_TTL_MS.
import { createPairFlags, type Cache, type PairFlags } from '#kit/cache';
import type { ServiceDatabase } from '#kit/store';
import { MAX_LIST, type Biz } from '../rules.js';
import type { InteractionDB } from './tables.js';
import type { Tx } from './tx.js';

/** How long a cached list or flag may outlive a delete lost to the cache-aside race (see above). */
const LIST_TTL_MS = 60_000;
const FLAG_TTL_MS = 60_000;

export interface NewLike {
  userId: number;
  biz: Biz;
  targetId: number;
  ownerId: number;
  createdAt: number;
}

export interface LikeModel {
  /** Inserts the like unless the user already likes the target; then runs inTx in the same transaction. True when inserted. */
  add(like: NewLike, inTx: (trx: Tx) => Promise<void>): Promise<boolean>;
  /** Deletes the like if it is there; then runs inTx, with the owner kept on the row, in the same transaction. True when deleted. */
  remove(userId: number, biz: Biz, targetId: number, inTx: (trx: Tx, ownerId: number) => Promise<void>): Promise<boolean>;
  /** Whether userId likes each of targetIds of biz, in order. */
  likes(userId: number, biz: Biz, targetIds: readonly number[]): Promise<boolean[]>;
  /** Target ids of biz userId likes, most recent like first, at most limit (≤ MAX_LIST). */
  recent(userId: number, biz: Biz, limit: number): Promise<number[]>;
}

export function createLikeModel(store: ServiceDatabase<InteractionDB>, cache: Cache): LikeModel {
  const db = store.db;
  const listKey = (userId: number, biz: Biz) => `interaction:liked:${biz}:${userId}`;
  const flagsByBiz = new Map<Biz, PairFlags>();
  const flagsOf = (biz: Biz): PairFlags => {
    let flags = flagsByBiz.get(biz);
    if (!flags) flagsByBiz.set(biz, (flags = createPairFlags({ cache, prefix: `interaction:likes:${biz}`, take: { ttlMs: FLAG_TTL_MS } })));
    return flags;
  };
  const forget = (userId: number, biz: Biz, targetId: number) => cache.del(listKey(userId, biz), flagsOf(biz).key(userId, targetId));

  return {
    async add(like, inTx) {
      const added = await store.transaction(async (trx) => {
        const row = { user_id: like.userId, biz: like.biz, target_id: like.targetId, owner_id: like.ownerId, created_at: like.createdAt };
        if (!(await store.insertIgnore('likes', row, { executor: trx }))) return false;
        await inTx(trx);
        return true;
      });
      if (added) await forget(like.userId, like.biz, like.targetId);
      return added;
    },

    async remove(userId, biz, targetId, inTx) {
      const removed = await store.transaction(async (trx) => {
        const mine = trx.selectFrom('likes').where('user_id', '=', userId).where('biz', '=', biz).where('target_id', '=', targetId);
        const row = await mine.select('owner_id').executeTakeFirst();
        if (!row) return false;
        // The delete decides: of concurrent unlikes that all read the row, one deletes it and
        // the rest delete nothing, so exactly one of them records the event.
        const res = await trx.deleteFrom('likes').where('user_id', '=', userId).where('biz', '=', biz).where('target_id', '=', targetId).executeTakeFirst();
        if (Number(res.numDeletedRows) !== 1) return false;
        await inTx(trx, Number(row.owner_id));
        return true;
      });
      if (removed) await forget(userId, biz, targetId);
      return removed;
    },

    likes: (userId, biz, targetIds) =>
      flagsOf(biz).get(userId, targetIds, async (u, wanted) =>
        (await db.selectFrom('likes').select('target_id').where('user_id', '=', u).where('biz', '=', biz).where('target_id', 'in', wanted).execute()).map((r) =>
          Number(r.target_id),
        ),
      ),

    async recent(userId, biz, limit) {
      const ids = await cache.take<number[]>(
        listKey(userId, biz),
        async () => {
          const rows = await db
            .selectFrom('likes')
            .select('target_id')
            .where('user_id', '=', userId)
            .where('biz', '=', biz)
            // target_id breaks ties between likes of the same millisecond, so pages are stable.
            .orderBy('created_at', 'desc')
            .orderBy('target_id', 'desc')
            .limit(MAX_LIST)
            .execute();
          return rows.map((r) => Number(r.target_id));
        },
        { ttlMs: LIST_TTL_MS },
      );
      return (ids ?? []).slice(0, limit);
    },
  };
}
