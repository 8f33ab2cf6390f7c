// Followers per author, kept from relation.followed so the feed knows who is big without asking.
// Each event is applied once (model/tx.ts), in the transaction that changes the count.
import { sql, type Kysely } from 'kysely';
import type { ServiceDatabase } from '#kit/store';
import type { FeedDB } from './tables.js';
import type { Tx } from './tx.js';

export interface FollowerCounts {
  /** 0 for an author never followed. */
  get(authorId: number): Promise<number>;
  /** Adds delta (1 follow, -1 unfollow) to the author's count. */
  add(trx: Tx, authorId: number, delta: number): Promise<void>;
}

export function createFollowerCounts(store: ServiceDatabase<FeedDB>): FollowerCounts {
  const db: Kysely<FeedDB> = store.db;
  return {
    async get(authorId) {
      const row = await db.selectFrom('follower_counts').select('follower_count').where('author_id', '=', authorId).executeTakeFirst();
      return Number(row?.follower_count ?? 0);
    },

    async add(trx, authorId, delta) {
      // The row first (kept if there), then the sum computed by the database, never in process.
      // A deadlock between two such transactions reruns the loser (ServiceDatabase.transaction).
      await store.insertIgnore('follower_counts', { author_id: authorId, follower_count: 0 }, { executor: trx });
      await trx
        .updateTable('follower_counts')
        .set({ follower_count: sql<number>`follower_count + ${delta}` })
        .where('author_id', '=', authorId)
        .execute();
    },
  };
}
