// The product a bulk stock move answers with, read fresh (in the move's transaction, or after a
// repeat), and the refusal when there is none.
import type { Kysely } from 'kysely';
import { Code, SurgeError } from '#kit/errors';
import type { Product } from '#gen/surge/product/v1/product';
import type { ProductDeps } from '../deps.js';
import type { ProductDB } from '../model/tables.js';

export const noProduct = (productId: number) =>
  new SurgeError(Code.NotFound, `product_id: product ${productId} does not exist`, { details: { field: 'product_id', product_id: productId, reason: 'not_found' } });

export async function productNow(d: ProductDeps, productId: number, on: Kysely<ProductDB> = d.store.db): Promise<Product> {
  const [product] = await d.products.readIn(on, [productId]);
  if (!product) throw noProduct(productId);
  return product;
}
