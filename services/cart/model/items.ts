// Queries on a user's cart. Every write takes the cart's lock first (an upsert of its `carts`
// row, which holds the row's exclusive lock until commit on MariaDB, and SQLite's write lock), so
// one user's writes run one at a time:
//   - the cap: a new product is counted against the lines as the previous write left them, so
//     concurrent SetItems of different products can never together pass maxItems;
//   - a line read and then updated cannot be deleted in between by a concurrent RemoveItems.
// On MariaDB (REPEATABLE READ) a transaction's snapshot is taken at its first plain read, which
// here comes after the lock is held, so that read sees every write that held the lock before.
// Writes of different users never wait for each other: the lock is per user.
import type { Transaction } from 'kysely';
import type { ServiceDatabase } from '#kit/store';
import type { CartItem } from '#gen/surge/cart/v1/cart';
import type { CartDB, CartItemsTable } from './tables.js';

const COLUMNS = ['product_id', 'quantity', 'checked', 'updated_at'] as const;

// MariaDB returns BIGINT columns as numbers or strings, and BOOLEAN as 0/1: all go through Number().
const toItem = (r: Pick<CartItemsTable, (typeof COLUMNS)[number]>): CartItem => ({
  productId: Number(r.product_id),
  quantity: Number(r.quantity),
  checked: Number(r.checked) !== 0,
  updatedAt: Number(r.updated_at),
});

export interface ItemChange {
  /** The line's new quantity (absolute, already checked against the service's bounds). */
  quantity: number;
  /** The line's new checked flag; undefined keeps it (a new line is checked). */
  checked: boolean | undefined;
}

export interface CartItemModel {
  /**
   * Adds the product to the user's cart, or changes its line. A product not in the cart is
   * refused when the cart already holds `maxItems` products: resolves undefined, nothing changed.
   */
  set(userId: number, productId: number, change: ItemChange, o: { now: number; maxItems: number }): Promise<CartItem | undefined>;
  /** Deletes the user's lines of these products; products not in the cart are ignored. */
  remove(userId: number, productIds: readonly number[], now: number): Promise<void>;
  /** The user's lines, newest first, at most `limit`; only the checked ones when `checkedOnly`. */
  list(userId: number, o: { checkedOnly: boolean; limit: number }): Promise<CartItem[]>;
}

export function createCartItemModel(store: ServiceDatabase<CartDB>): CartItemModel {
  /** Takes the user's cart lock for the rest of trx (see the top of this file). */
  const lockCart = (trx: Transaction<CartDB>, userId: number, now: number) =>
    store.upsert('carts', { user_id: userId, updated_at: now }, { conflict: ['user_id'], executor: trx });

  return {
    set(userId, productId, change, o) {
      return store.transaction(async (trx) => {
        await lockCart(trx, userId, o.now);
        const line = await trx
          .selectFrom('cart_items')
          .select('checked')
          .where('user_id', '=', userId)
          .where('product_id', '=', productId)
          .executeTakeFirst();
        if (line) {
          const checked = change.checked ?? Number(line.checked) !== 0;
          await trx
            .updateTable('cart_items')
            .set({ quantity: change.quantity, checked: checked ? 1 : 0, updated_at: o.now })
            .where('user_id', '=', userId)
            .where('product_id', '=', productId)
            .execute();
          return { productId, quantity: change.quantity, checked, updatedAt: o.now };
        }
        const held = await trx
          .selectFrom('cart_items')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('user_id', '=', userId)
          .executeTakeFirstOrThrow();
        if (Number(held.n) >= o.maxItems) return undefined;
        const checked = change.checked ?? true;
        await trx
          .insertInto('cart_items')
          .values({ user_id: userId, product_id: productId, quantity: change.quantity, checked: checked ? 1 : 0, updated_at: o.now })
          .execute();
        return { productId, quantity: change.quantity, checked, updatedAt: o.now };
      });
    },

    async remove(userId, productIds, now) {
      await store.transaction(async (trx) => {
        await lockCart(trx, userId, now);
        await trx.deleteFrom('cart_items').where('user_id', '=', userId).where('product_id', 'in', [...productIds]).execute();
      });
    },

    async list(userId, o) {
      let query = store.db.selectFrom('cart_items').select(COLUMNS).where('user_id', '=', userId);
      if (o.checkedOnly) query = query.where('checked', '=', 1);
      const rows = await query.orderBy('updated_at', 'desc').orderBy('product_id', 'desc').limit(o.limit).execute();
      return rows.map(toItem);
    },
  };
}
