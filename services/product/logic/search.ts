import { errors } from '#kit/errors';
import type { ProductPage, SearchRequest } from '#gen/surge/product/v1/product';
import type { ProductDeps } from '../deps.js';
import { decodeCursor } from '../model/cursor.js';
import { queryTerms } from '#kit/search';
import { checkLimit, checkQuery } from '../rules.js';
import { productPage } from './page.js';

/** On-sale products holding every term of q (#kit/search), best match first, then best sellers. */
export async function search(d: ProductDeps, req: SearchRequest): Promise<ProductPage> {
  const q = checkQuery(req.q);
  const limit = checkLimit(req.limit);
  const from = decodeCursor(req.cursor, ['search']);
  const terms = queryTerms(q);
  if (terms.length === 0) throw errors.invalid('q', 'must hold a letter, digit or CJK character to search for');
  return productPage(d, await d.lists.search(terms, from, limit), limit, 'search');
}
