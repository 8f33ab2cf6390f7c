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

type TasteRow = ProductDB['user_categories'];

/**
 * Adds each row's weight to the stored one, or inserts the row: one statement that takes each
 * row's lock for writing at once (rows in category order), so concurrent purchases by one buyer
 * add up and queue behind each other. (INSERT IGNORE then UPDATE deadlocked on MariaDB: both
 * transactions took the existing row's shared lock, then each waited for the other to make it
 * exclusive.) The weight is computed by the database from the stored value, never in process.
 * kit/store's upsert overwrites with the new values, so the add is spelled per dialect here.
 */
async function addWeights(dialect: 'sqlite' | 'mysql', trx: Kysely<ProductDB>, rows: readonly TasteRow[]): Promise<void> {
  const insert = trx.insertInto('user_categories').values([...rows]);
  if (dialect === 'mysql') {
    await insert.onDuplicateKeyUpdate({ weight: sql<number>`weight + values(weight)`, updated_at: sql<number>`values(updated_at)` }).execute();
  } else {
    await insert.onConflict((oc) => oc.columns(['user_id', 'category_id']).doUpdateSet({ weight: sql<number>`weight + excluded.weight`, updated_at: sql<number>`excluded.updated_at` })).execute();
  }
}

export function createTasteModel(store: ServiceDatabase<ProductDB>): TasteModel {
  return {
    async add(trx, userId, changes, now) {
      const merged = new Map<number, number>();
      for (const c of changes) merged.set(c.categoryId, (merged.get(c.categoryId) ?? 0) + c.delta);
      const inOrder = [...merged].filter(([, delta]) => delta !== 0).sort((a, b) => a[0] - b[0]);
      const raised = inOrder.filter(([, delta]) => delta > 0).map(([categoryId, delta]) => ({ user_id: userId, category_id: categoryId, weight: delta, updated_at: now }));
      if (raised.length > 0) await addWeights(store.dialect, trx, raised);
      for (const [categoryId, delta] of inOrder) {
        if (delta > 0) continue;
        // Lowered: a row that is missing has nothing to take away.
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
