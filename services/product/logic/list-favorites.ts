import type { ListFavoritesRequest, ProductPage } from '#gen/surge/product/v1/product';
import type { ProductDeps } from '../deps.js';
import { decodeCursor, encodeCursor } from '../model/cursor.js';
import { pageOf } from '#kit/paging';
import { checkId, checkLimit } from '../rules.js';

/** A user's favorites, newest first; off-shelf ones included (shown as such), as a cart shows them. */
export async function listFavorites(d: ProductDeps, req: ListFavoritesRequest): Promise<ProductPage> {
  const userId = checkId('user_id', req.userId);
  const limit = checkLimit(req.limit);
  const from = decodeCursor(req.cursor, ['favorites']);
  const { rows, isEnd } = pageOf(await d.favorites.page(userId, from, limit), limit);
  const last = rows.at(-1);
  return {
    products: await d.products.listed(rows.map((r) => r.productId)),
    nextCursor: isEnd || !last ? '' : encodeCursor({ kind: 'favorites', keys: [last.createdAt], id: last.productId }),
    isEnd,
  };
}
