// Favorites: (user, product) with the time it was added; adding and removing are idempotent,
// and each change moves the user's taste for the product's category in the same transaction.
import type { ServiceDatabase } from '#kit/store';
import type { ProductDB } from './tables.js';
import { after, type Direction } from '#kit/paging';
import { TASTE, type TasteModel } from './tastes.js';

export interface FavoriteEntry {
  productId: number;
  createdAt: number;
}

export interface FavoriteModel {
  /** true when it was added now (false: it already was a favorite). */
  add(userId: number, productId: number, categoryId: number, now: number): Promise<boolean>;
  /** true when it was removed now (false: it was none). */
  remove(userId: number, productId: number, categoryId: number | undefined, now: number): Promise<boolean>;
  /** Newest first, limit + 1 entries after `from` (created_at, product id). */
  page(userId: number, from: { keys: number[]; id: number } | undefined, limit: number): Promise<FavoriteEntry[]>;
}

const NEWEST: Direction = 'desc';

export function createFavoriteModel(store: ServiceDatabase<ProductDB>, tastes: TasteModel): FavoriteModel {
  return {
    add: (userId, productId, categoryId, now) =>
      store.transaction(async (trx) => {
        const added = await store.insertIgnore('favorites', { user_id: userId, product_id: productId, created_at: now }, { executor: trx });
        if (added) await tastes.add(trx, userId, [{ categoryId, delta: TASTE.collected }], now);
        return added;
      }),

    remove: (userId, productId, categoryId, now) =>
      store.transaction(async (trx) => {
        const res = await trx.deleteFrom('favorites').where('user_id', '=', userId).where('product_id', '=', productId).executeTakeFirst();
        const removed = Number(res.numDeletedRows) > 0;
        if (removed && categoryId !== undefined) await tastes.add(trx, userId, [{ categoryId, delta: -TASTE.collected }], now);
        return removed;
      }),

    async page(userId, from, limit) {
      let q = store.db.selectFrom('favorites').select(['product_id', 'created_at']).where('user_id', '=', userId);
      if (from) q = q.where((eb) => after(eb, ['created_at', 'product_id'], [...from.keys, from.id], NEWEST));
      const found = await q.orderBy('created_at', NEWEST).orderBy('product_id', NEWEST).limit(limit + 1).execute();
      return found.map((r) => ({ productId: Number(r.product_id), createdAt: Number(r.created_at) }));
    },
  };
}
