import type { GetProductsRequest, ProductList } from '#gen/surge/product/v1/product';
import type { ProductDeps } from '../deps.js';
import { checkIds, MAX_BATCH } from '../rules.js';

/** Products in the order asked, missing ones left out, off-shelf ones included (a cart shows them as such). */
export async function getProducts(d: ProductDeps, req: GetProductsRequest): Promise<ProductList> {
  const ids = checkIds('ids', req.ids, { max: MAX_BATCH, unique: true });
  return { products: await d.products.byIds(ids) };
}
