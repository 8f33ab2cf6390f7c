// What the home page shows, as stored: banners, the featured products' ids, and the best
// sellers' ids. home-blocks.ts keeps the answer in this process and refreshes it.
import type { Kysely } from 'kysely';
import type { Banner } from '#gen/surge/product/v1/product';
import type { ProductDB } from './tables.js';

export interface HomeIds {
  banners: Banner[];
  /** In the featured order; off-shelf ones included (the reader filters rows it fetched). */
  featured: number[];
  /** On-sale products by sales, then id, both descending. */
  ranking: number[];
}

/** Most banners and featured products the home page shows. */
export const MAX_BANNERS = 10;
export const MAX_FEATURED = 20;

export async function readHome(db: Kysely<ProductDB>, rankingSize: number): Promise<HomeIds> {
  const [banners, featured, ranking] = await Promise.all([
    db.selectFrom('banners').selectAll().orderBy('sort').orderBy('id').limit(MAX_BANNERS).execute(),
    db.selectFrom('featured').select('product_id').orderBy('sort').orderBy('product_id').limit(MAX_FEATURED).execute(),
    db.selectFrom('products').select('id').where('status', '=', 'on_sale').orderBy('sales', 'desc').orderBy('id', 'desc').limit(rankingSize).execute(),
  ]);
  return {
    banners: banners.map((b) => ({ id: Number(b.id), title: b.title, imageUrl: b.image_url, link: b.link })),
    featured: featured.map((f) => Number(f.product_id)),
    ranking: ranking.map((r) => Number(r.id)),
  };
}
