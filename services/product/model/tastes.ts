// A user's tastes (user_categories): weight per category, raised by what they buy and collect,
// lowered again when a purchase is released or a favorite removed. Recommend reads it.
import { sql, type Kysely } from 'kysely';
import type { ServiceDatabase } from '#kit/store';
import type { ProductDB } from './tables.js';

/** What each signal adds to its category's weight: a purchase says more than a favorite. */
export const TASTE = { bought: 3, collected: 1 } as const;

export interface TasteChange {
  categoryId: number;
  delta: number;
}

export interface TasteModel {
  /** Adds each delta (never below 0), in the caller's transaction, categories in id order (one lock order on MariaDB). */
  add(trx: Kysely<ProductDB>, userId: number, changes: readonly TasteChange[], now: number): Promise<void>;
  /** Whether the user has any category with a weight. */
  has(userId: number): Promise<boolean>;
}

export function createTasteModel(store: ServiceDatabase<ProductDB>): TasteModel {
  return {
    async add(trx, userId, changes, now) {
      const merged = new Map<number, number>();
      for (const c of changes) merged.set(c.categoryId, (merged.get(c.categoryId) ?? 0) + c.delta);
      for (const [categoryId, delta] of [...merged].sort((a, b) => a[0] - b[0])) {
        if (delta === 0) continue;
        // The row first (a no-op when it exists), then one atomic UPDATE: concurrent changes add
        // up, where an upsert writing a computed value would lose one of them.
        if (delta > 0) await store.insertIgnore('user_categories', { user_id: userId, category_id: categoryId, weight: 0, updated_at: now }, { executor: trx });
        await trx
          .updateTable('user_categories')
          .set({ weight: sql<number>`case when weight + ${delta} < 0 then 0 else weight + ${delta} end`, updated_at: now })
          .where('user_id', '=', userId)
          .where('category_id', '=', categoryId)
          .execute();
      }
    },

    async has(userId) {
      const row = await store.db.selectFrom('user_categories').select('category_id').where('user_id', '=', userId).where('weight', '>', 0).limit(1).executeTakeFirst();
      return row !== undefined;
    },
  };
}
