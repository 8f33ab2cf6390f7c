import type { CallContext } from '#kit/rpc';
import type { CartItem, SetItemRequest } from '#gen/surge/cart/v1/cart';
import type { CartDeps } from '../deps.js';
import { ON_SALE } from '../products.js';
import { refusals } from '../refusals.js';
import { checkId, checkQuantity } from '../rules.js';

/**
 * Puts a product in the caller's cart, or changes its line: the quantity is absolute, `checked`
 * changes only when present (a new line is checked). Only a product on sale may be set (NotFound
 * or FailedPrecondition naming product_id otherwise, the product service's answer); a product
 * not yet in a cart that holds maxItems is refused (RateLimited naming product_id).
 */
export async function setItem(d: CartDeps, req: SetItemRequest, ctx: CallContext): Promise<CartItem> {
  const userId = checkId('user_id', req.userId);
  const productId = checkId('product_id', req.productId);
  const quantity = checkQuantity(req.quantity, d.limits.maxQuantity);

  const product = (await d.products.lookup([productId], ctx)).get(productId);
  if (!product) throw refusals.noSuchProduct();
  if (product.status !== ON_SALE) throw refusals.notOnSale(product.status);

  const item = await d.items.set(userId, productId, { quantity, checked: req.checked }, { now: d.clock.now(), maxItems: d.limits.maxItems });
  if (!item) throw refusals.cartFull(d.limits.maxItems);
  return item;
}
