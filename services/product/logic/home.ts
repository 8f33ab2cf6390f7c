import type { HomeReply, HomeRequest } from '#gen/surge/product/v1/product';
import type { ProductDeps } from '../deps.js';

/** Banners, featured products and best sellers: ids from the blocks kept in process, rows from the row cache (stock and prices current). */
export async function home(d: ProductDeps, _req: HomeRequest): Promise<HomeReply> {
  const blocks = await d.home.get();
  const [featured, ranking] = await Promise.all([d.products.listed(blocks.featured), d.products.listed(blocks.ranking)]);
  const onSale = (p: { status: string }) => p.status === 'on_sale';
  return { banners: blocks.banners, featured: featured.filter(onSale), ranking: ranking.filter(onSale) };
}
