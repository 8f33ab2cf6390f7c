// Queries on `follows`, with the hot reads cached (cache-aside, delete after write):
//   relation:follows:<u>:<t>   whether u follows t (IsFollowing: every feed item asks)
//   relation:following:<u>     whom u follows, most recent first, the first MAX_LIST ids
//   relation:followers:<u>     who follows u, likewise
//   relation:friends:<u>       mutual follows of u, likewise
// A change of u→t can only change those four lists and the one flag, so deleting exactly these
// keys after the commit keeps every cached read correct (staleness is then bounded by the race
// every cache-aside read has with a concurrent write, and by the cache's TTL).
import { sql, type Transaction } from 'kysely';
import { createPairFlags, type Cache } from '#kit/cache';
import type { ServiceDatabase } from '#kit/store';
import { MAX_LIST } from '../rules.js';
import type { RelationDB } from './tables.js';

const keys = {
  following: (u: number) => `relation:following:${u}`,
  followers: (u: number) => `relation:followers:${u}`,
  friends: (u: number) => `relation:friends:${u}`,
};

export interface FollowModel {
  /**
   * Makes "followerId follows followeeId" true or false. When that changes the fact, onChange
   * runs in the same transaction (the event goes into the outbox with it) and the method
   * resolves true; when the fact already held it resolves false and onChange never runs.
   */
  set(followerId: number, followeeId: number, follow: boolean, now: number, onChange: (trx: Transaction<RelationDB>) => Promise<void>): Promise<boolean>;
  /** Most recent first; at most `limit` (≤ MAX_LIST). */
  following(userId: number, limit: number): Promise<number[]>;
  followers(userId: number, limit: number): Promise<number[]>;
  /** Users userId follows who follow userId back, most recently followed by userId first. */
  friends(userId: number, limit: number): Promise<number[]>;
  /** One flag per target, in order. */
  isFollowing(userId: number, targetIds: readonly number[]): Promise<boolean[]>;
}

export function createFollowModel(store: ServiceDatabase<RelationDB>, cache: Cache): FollowModel {
  const db = store.db;
  const flags = createPairFlags({ cache, prefix: 'relation:follows' });
  const list = async (key: string, load: () => Promise<number[]>, limit: number) => {
    const ids = (await cache.take<number[]>(key, load)) ?? [];
    return ids.length > limit ? ids.slice(0, limit) : ids;
  };
  const ids = (rows: { id: number }[]) => rows.map((r) => Number(r.id));

  return {
    async set(followerId, followeeId, follow, now, onChange) {
      const changed = await store.transaction(async (trx) => {
        let done: boolean;
        if (follow) {
          done = await store.insertIgnore('follows', { follower_id: followerId, followee_id: followeeId, created_at: now }, { executor: trx });
        } else {
          const res = await trx.deleteFrom('follows').where('follower_id', '=', followerId).where('followee_id', '=', followeeId).executeTakeFirst();
          done = Number(res.numDeletedRows) > 0;
        }
        if (done) await onChange(trx);
        return done;
      });
      if (changed) {
        await cache.del(flags.key(followerId, followeeId), keys.following(followerId), keys.followers(followeeId), keys.friends(followerId), keys.friends(followeeId));
      }
      return changed;
    },

    following: (userId, limit) =>
      list(
        keys.following(userId),
        async () =>
          ids(
            await db
              .selectFrom('follows')
              .select('followee_id as id')
              .where('follower_id', '=', userId)
              .orderBy('created_at', 'desc')
              .orderBy('followee_id', 'desc')
              .limit(MAX_LIST)
              .execute(),
          ),
        limit,
      ),

    followers: (userId, limit) =>
      list(
        keys.followers(userId),
        async () =>
          ids(
            await db
              .selectFrom('follows')
              .select('follower_id as id')
              .where('followee_id', '=', userId)
              .orderBy('created_at', 'desc')
              .orderBy('follower_id', 'desc')
              .limit(MAX_LIST)
              .execute(),
          ),
        limit,
      ),

    friends: (userId, limit) =>
      list(
        keys.friends(userId),
        // Walks userId's follows newest first (follows_following_by_time) and keeps those with a follow
        // back (a primary-key probe each), stopping at MAX_LIST: one statement.
        async () =>
          ids(
            await db
              .selectFrom('follows as f')
              .select('f.followee_id as id')
              .where('f.follower_id', '=', userId)
              .where(({ exists, selectFrom }) =>
                exists(
                  selectFrom('follows as b')
                    .select(sql<number>`1`.as('one'))
                    .whereRef('b.follower_id', '=', 'f.followee_id')
                    .where('b.followee_id', '=', userId),
                ),
              )
              .orderBy('f.created_at', 'desc')
              .orderBy('f.followee_id', 'desc')
              .limit(MAX_LIST)
              .execute(),
          ),
        limit,
      ),

    isFollowing: (userId, targetIds) =>
      flags.get(userId, targetIds, async (u, wanted) =>
        (await db.selectFrom('follows').select('followee_id').where('follower_id', '=', u).where('followee_id', 'in', wanted).execute()).map((r) => Number(r.followee_id)),
      ),
  };
}
