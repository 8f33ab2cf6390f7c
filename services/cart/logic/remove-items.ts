import type { RemoveItemsReply, RemoveItemsRequest } from '#gen/surge/cart/v1/cart';
import type { CartDeps } from '../deps.js';
import { checkId, checkProductIds } from '../rules.js';

/** Removes products from the caller's cart. Idempotent: products not in it are ignored. */
export async function removeItems(d: CartDeps, req: RemoveItemsRequest): Promise<RemoveItemsReply> {
  const userId = checkId('user_id', req.userId);
  const productIds = checkProductIds(req.productIds);
  await d.items.remove(userId, productIds, d.clock.now());
  return {};
}
