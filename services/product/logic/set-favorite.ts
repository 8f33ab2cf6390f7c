import { errors } from '#kit/errors';
import type { SetFavoriteReply, SetFavoriteRequest } from '#gen/surge/product/v1/product';
import type { ProductDeps } from '../deps.js';
import { checkId } from '../rules.js';

/** Adds or removes a favorite, idempotent both ways; the user's taste for the product's category follows. */
export async function setFavorite(d: ProductDeps, req: SetFavoriteRequest): Promise<SetFavoriteReply> {
  const userId = checkId('user_id', req.userId);
  const productId = checkId('product_id', req.productId);
  const product = await d.products.byId(productId);
  if (req.favorite) {
    if (!product) throw errors.notFound(`product ${productId}`);
    await d.favorites.add(userId, productId, product.categoryId, d.clock.now());
  } else {
    // Removing what is not there (or a product that is gone) is done already.
    await d.favorites.remove(userId, productId, product?.categoryId, d.clock.now());
  }
  return {};
}
