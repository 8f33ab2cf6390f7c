import { errors } from '#kit/errors';
import type { ProductPage, RecommendRequest } from '#gen/surge/product/v1/product';
import type { ProductDeps } from '../deps.js';
import { decodeCursor } from '../model/cursor.js';
import { checkLimit, checkViewer } from '../rules.js';
import { productPage } from './page.js';

/**
 * On-sale products of the categories the user bought from or collected, the heaviest category
 * first and best sellers first within it; best sellers overall for a user with no such category
 * (or none: user_id 0). A cursor keeps the list it began: a best-seller page goes on as best
 * sellers even if the user has tastes by the next page.
 */
export async function recommend(d: ProductDeps, req: RecommendRequest): Promise<ProductPage> {
  const userId = checkViewer(req.userId);
  const limit = checkLimit(req.limit);
  const from = decodeCursor(req.cursor, ['taste', 'sales']);
  if (from?.kind === 'taste' && userId === 0) throw errors.invalid('cursor', "is a signed-in user's page; an anonymous list starts from \"\"");
  const byTaste = from ? from.kind === 'taste' : userId !== 0 && (await d.tastes.has(userId));
  if (byTaste) return productPage(d, await d.lists.byTaste(userId, from, limit), limit, 'taste');
  return productPage(d, await d.lists.byCategory(undefined, 'sales', from, limit), limit, 'sales');
}
