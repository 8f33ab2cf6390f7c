import type { CallContext } from '#kit/rpc';
import type { Cart, CartLine, CartProduct, GetCartRequest } from '#gen/surge/cart/v1/cart';
import type { Product } from '#gen/surge/product/v1/product';
import { CART_ITEMS_CEILING } from '../config.js';
import type { CartDeps } from '../deps.js';
import { ON_SALE } from '../products.js';
import { checkId } from '../rules.js';

/**
 * The caller's cart, newest line first, each line with its product as the product service has it
 * now (one batch for the whole cart), absent when the product no longer exists. The total is of
 * the checked lines whose product is on sale, in cents. `checked_only` lists the checked lines
 * alone (what an order "from cart" takes).
 */
export async function getCart(d: CartDeps, req: GetCartRequest, ctx: CallContext): Promise<Cart> {
  const userId = checkId('user_id', req.userId);
  // The ceiling, not maxItems: a cart filled before maxItems was lowered is still shown whole.
  const items = await d.items.list(userId, { checkedOnly: req.checkedOnly, limit: CART_ITEMS_CEILING });
  if (items.length === 0) return { lines: [], totalCents: 0 };

  const products = await d.products.lookup(items.map((item) => item.productId), ctx);
  let totalCents = 0;
  const lines = items.map((item): CartLine => {
    const product = products.get(item.productId);
    if (product && item.checked && product.status === ON_SALE) totalCents += product.priceCents * item.quantity;
    return { item, product: product && cartProduct(product) };
  });
  return { lines, totalCents };
}

/** The fields of a product a cart shows (the detail text and creation time stay out). */
function cartProduct(p: Product): CartProduct {
  return { id: p.id, name: p.name, subtitle: p.subtitle, categoryId: p.categoryId, imageUrls: p.imageUrls, priceCents: p.priceCents, stock: p.stock, sales: p.sales, status: p.status };
}
