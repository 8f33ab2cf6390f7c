// The category tree: a few dozen rows read as a whole and kept in the cache under one key
// (product:categories), dropped when a category is created.
import type { Cache } from '#kit/cache';
import type { ServiceDatabase } from '#kit/store';
import type { Category } from '#gen/surge/product/v1/product';
import type { CategoriesTable, ProductDB } from './tables.js';

const KEY = 'product:categories';

export interface CategoryRow {
  id: number;
  name: string;
  parentId: number;
  sort: number;
}

export interface CategoryModel {
  /** Every category, parents before children, each level by sort then id. */
  all(): Promise<CategoryRow[]>;
  byId(id: number): Promise<CategoryRow | undefined>;
  /** The top level, each with its children. */
  tree(): Promise<Category[]>;
  /** The category and, for a parent, its children: what a list of it covers. */
  covering(id: number): Promise<number[] | undefined>;
  insert(row: CategoriesTable): Promise<void>;
}

const bySortThenId = (a: CategoryRow, b: CategoryRow) => a.sort - b.sort || a.id - b.id;

export function createCategoryModel(store: ServiceDatabase<ProductDB>, cache: Cache): CategoryModel {
  const all = async (): Promise<CategoryRow[]> =>
    (await cache.take<CategoryRow[]>(KEY, async () => {
      const found = await store.db.selectFrom('categories').selectAll().execute();
      return found.map((r) => ({ id: Number(r.id), name: r.name, parentId: Number(r.parent_id), sort: Number(r.sort) })).sort(bySortThenId);
    })) ?? [];

  return {
    all,
    byId: async (id) => (await all()).find((c) => c.id === id),

    async tree() {
      const rows = await all();
      const node = (c: CategoryRow, children: Category[]): Category => ({ id: c.id, name: c.name, parentId: c.parentId, children });
      return rows.filter((c) => c.parentId === 0).map((top) => node(top, rows.filter((c) => c.parentId === top.id).map((child) => node(child, []))));
    },

    async covering(id) {
      const rows = await all();
      if (!rows.some((c) => c.id === id)) return undefined;
      return [id, ...rows.filter((c) => c.parentId === id).map((c) => c.id)];
    },

    async insert(row) {
      await store.db.insertInto('categories').values(row).execute();
      await cache.del(KEY);
    },
  };
}
