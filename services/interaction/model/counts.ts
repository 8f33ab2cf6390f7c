// Each target's like and comment counts (`target_counts`), changed only by the count consumer's
// batches (consumers/counts.ts) and read through a short-lived cache: a batch drops the keys of
// the targets it changed after it commits. A read racing a batch can put back the count from
// before it (cache-aside); COUNT_TTL_MS bounds how long.
import type { Cache } from '#kit/cache';
import type { ServiceDatabase } from '#kit/store';
import type { Biz } from '../rules.js';
import type { InteractionDB } from './tables.js';
import type { Tx } from './tx.js';

const COUNT_TTL_MS = 5_000;

export interface Counts {
  likeCount: number;
  commentCount: number;
}

/** What a batch adds to one target's counts. */
export interface CountDelta {
  biz: string;
  targetId: number;
  likes: number;
  comments: number;
}

export interface CountModel {
  /** The counts of each target of biz, in order; 0 for a target nothing counted yet. */
  get(biz: Biz, targetIds: readonly number[]): Promise<Counts[]>;
  /** One target's stored like count, read in trx: a like being made in trx is not in it yet. */
  likesIn(trx: Tx, biz: Biz, targetId: number): Promise<number>;
  /** Adds the deltas in trx, one statement per target, in key order (concurrent batches lock rows alike). */
  add(trx: Tx, deltas: readonly CountDelta[]): Promise<void>;
  /** Drops the cached counts of these targets; after the commit. */
  forget(targets: readonly { biz: string; targetId: number }[]): Promise<void>;
}

export function createCountModel(store: ServiceDatabase<InteractionDB>, cache: Cache): CountModel {
  const key = (biz: string, targetId: number) => `interaction:counts:${biz}:${targetId}`;
  return {
    async get(biz, targetIds) {
      const keys = targetIds.map((id) => key(biz, id));
      const idOf = new Map(keys.map((k, i) => [k, targetIds[i]!]));
      const found = await cache.takeMany<Counts>(
        keys,
        async (missing) => {
          const rows = await store.db
            .selectFrom('target_counts')
            .select(['target_id', 'like_count', 'comment_count'])
            .where('biz', '=', biz)
            .where('target_id', 'in', missing.map((k) => idOf.get(k)!))
            .execute();
          // Stored unclamped (an unlike applied before its like dips below 0 for a moment), served ≥ 0.
          const byId = new Map(rows.map((r) => [Number(r.target_id), { likeCount: Math.max(0, Number(r.like_count)), commentCount: Math.max(0, Number(r.comment_count)) }]));
          // A target without a row is cached as zeros: "nothing yet" is the common answer for new ones.
          return new Map(missing.map((k) => [k, byId.get(idOf.get(k)!) ?? { likeCount: 0, commentCount: 0 }]));
        },
        { ttlMs: COUNT_TTL_MS },
      );
      return keys.map((k) => found.get(k) ?? { likeCount: 0, commentCount: 0 });
    },

    async likesIn(trx, biz, targetId) {
      const row = await (trx as unknown as typeof store.db).selectFrom('target_counts').select('like_count').where('biz', '=', biz).where('target_id', '=', targetId).executeTakeFirst();
      return row ? Math.max(0, Number(row.like_count)) : 0;
    },

    async add(trx, deltas) {
      const t = trx as unknown as typeof store.db;
      const ordered = [...deltas].sort((a, b) => (a.biz === b.biz ? a.targetId - b.targetId : a.biz < b.biz ? -1 : 1));
      for (const d of ordered) {
        if (d.likes === 0 && d.comments === 0) continue;
        await store.insertIgnore('target_counts', { biz: d.biz, target_id: d.targetId, like_count: 0, comment_count: 0 }, { executor: t });
        await t
          .updateTable('target_counts')
          .set((eb) => ({ like_count: eb('like_count', '+', d.likes), comment_count: eb('comment_count', '+', d.comments) }))
          .where('biz', '=', d.biz)
          .where('target_id', '=', d.targetId)
          .execute();
      }
    },

    forget: (targets) => cache.del(...targets.map((t) => key(t.biz, t.targetId))),
  };
}
