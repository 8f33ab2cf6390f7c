// A page of on-sale products from the ids a list query found (limit + 1 of them): the rows from
// the row cache, the next cursor from the last id served and the keys it was sorted by.
import type { ProductPage } from '#gen/surge/product/v1/product';
import type { ProductDeps } from '../deps.js';
import { encodeCursor, type CursorKind } from '../model/cursor.js';
import type { Keyed } from '../model/lists.js';
import { pageOf } from '#kit/paging';

export async function productPage(d: ProductDeps, found: readonly Keyed[], limit: number, kind: CursorKind): Promise<ProductPage> {
  const { rows, isEnd } = pageOf(found, limit);
  const last = rows.at(-1);
  // A product taken off the shelf since the ids were read is left out rather than shown for sale.
  const products = (await d.products.listed(rows.map((r) => r.id))).filter((p) => p.status === 'on_sale');
  return { products, nextCursor: isEnd || !last ? '' : encodeCursor({ kind, keys: last.keys, id: last.id }), isEnd };
}
