// The product service's tables (model/migrations.ts makes them). Every bigint comes back from
// MariaDB as a string: the models turn each into a number.
import type { BarrierTables } from '#kit/saga';

export interface CategoriesTable {
  id: number;
  name: string;
  /** 0 for a top-level category. Two levels: a parent's parent is 0. */
  parent_id: number;
  /** Lower first among siblings, then id. */
  sort: number;
}

export type ProductStatus = 'on_sale' | 'off_shelf';

export interface ProductsTable {
  id: number;
  name: string;
  subtitle: string;
  category_id: number;
  /** A JSON array of URLs. */
  image_urls: string;
  price_cents: number;
  stock: number;
  sales: number;
  status: ProductStatus;
  detail: string;
  /** ms since the epoch: the "newest" order. */
  created_at: number;
  updated_at: number;
}

/** The search index: one row per (term, product), terms.ts says which terms and weights. */
export interface ProductTermsTable {
  term: string;
  product_id: number;
  weight: number;
}

export interface BannersTable {
  id: number;
  title: string;
  image_url: string;
  link: string;
  sort: number;
}

/** Products on the home page, in `sort` order. */
export interface FeaturedTable {
  product_id: number;
  sort: number;
}

export interface FavoritesTable {
  user_id: number;
  product_id: number;
  created_at: number;
}

/** A user's taste: how much they bought or collected in a category (Recommend reads it). */
export interface UserCategoriesTable {
  user_id: number;
  category_id: number;
  weight: number;
  updated_at: number;
}

export interface ProductDB extends BarrierTables {
  categories: CategoriesTable;
  products: ProductsTable;
  product_terms: ProductTermsTable;
  banners: BannersTable;
  featured: FeaturedTable;
  favorites: FavoritesTable;
  user_categories: UserCategoriesTable;
}
