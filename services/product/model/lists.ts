// The id queries behind every list of on-sale products: by category in four orders, search
// matches, and a user's tastes. Each reads limit + 1 (id, sort keys) from an index, so a page
// knows whether it is the last; the rows themselves come from the row cache.
import { sql, type Kysely } from 'kysely';
import { after, type Direction } from '#kit/paging';
import { matchingAll } from '#kit/search';
import type { ProductDB } from './tables.js';
import { PRODUCT_TERMS } from './terms.js';

export type ListOrder = 'newest' | 'price_asc' | 'price_desc' | 'sales';

/** An id with the keys it was sorted by (before the id), for the next page's cursor. */
export interface Keyed {
  id: number;
  keys: number[];
}

/** Where a page starts: after the row with these keys and id. */
export interface After {
  keys: number[];
  id: number;
}

const ORDERS: Record<ListOrder, { column: 'created_at' | 'price_cents' | 'sales'; direction: Direction }> = {
  newest: { column: 'created_at', direction: 'desc' },
  price_asc: { column: 'price_cents', direction: 'asc' },
  price_desc: { column: 'price_cents', direction: 'desc' },
  sales: { column: 'sales', direction: 'desc' },
};

/** The direction a list order runs in; ids break ties in the same direction. */
export const directionOf = (order: ListOrder): Direction => ORDERS[order].direction;

export const LIST_ORDERS = Object.keys(ORDERS) as ListOrder[];

export interface ListModel {
  /** On-sale products of these categories (undefined: all), in `order`. */
  byCategory(categories: readonly number[] | undefined, order: ListOrder, from: After | undefined, limit: number): Promise<Keyed[]>;
  /** On-sale products holding every term: by score (the weights of the terms found), sales, id; all descending. */
  search(terms: readonly string[], from: After | undefined, limit: number): Promise<Keyed[]>;
  /** On-sale products of the categories the user has a weight for: by that weight, then sales, id. */
  byTaste(userId: number, from: After | undefined, limit: number): Promise<Keyed[]>;
}

export function createListModel(db: Kysely<ProductDB>): ListModel {
  return {
    async byCategory(categories, order, from, limit) {
      const { column, direction } = ORDERS[order];
      let q = db.selectFrom('products').select(['id', column]).where('status', '=', 'on_sale');
      if (categories) q = q.where('category_id', 'in', [...categories]);
      if (from) q = q.where((eb) => after(eb, [column, 'id'], [...from.keys, from.id], direction));
      const found = await q.orderBy(column, direction).orderBy('id', direction).limit(limit + 1).execute();
      return found.map((r) => ({ id: Number(r.id), keys: [Number((r as Record<string, unknown>)[column])] }));
    },

    async search(terms, from, limit) {
      let q = db
        .selectFrom(matchingAll(db, PRODUCT_TERMS, terms).as('m'))
        .innerJoin('products as p', 'p.id', 'm.doc_id')
        .select(['p.id', 'p.sales', sql<number>`m.score`.as('score')])
        .where('p.status', '=', 'on_sale');
      if (from) q = q.where((eb) => after(eb, ['m.score', 'p.sales', 'p.id'], [...from.keys, from.id], 'desc'));
      const found = await q.orderBy('m.score', 'desc').orderBy('p.sales', 'desc').orderBy('p.id', 'desc').limit(limit + 1).execute();
      return found.map((r) => ({ id: Number(r.id), keys: [Number(r.score), Number(r.sales)] }));
    },

    async byTaste(userId, from, limit) {
      let q = db
        .selectFrom('user_categories as u')
        .innerJoin('products as p', 'p.category_id', 'u.category_id')
        .select(['p.id', 'p.sales', 'u.weight'])
        .where('u.user_id', '=', userId)
        .where('u.weight', '>', 0)
        .where('p.status', '=', 'on_sale');
      if (from) q = q.where((eb) => after(eb, ['u.weight', 'p.sales', 'p.id'], [...from.keys, from.id], 'desc'));
      const found = await q.orderBy('u.weight', 'desc').orderBy('p.sales', 'desc').orderBy('p.id', 'desc').limit(limit + 1).execute();
      return found.map((r) => ({ id: Number(r.id), keys: [Number(r.weight), Number(r.sales)] }));
    },
  };
}
