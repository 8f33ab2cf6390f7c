import { errors } from '#kit/errors';
import { queryTerms } from '#kit/search';
import type { ArticlePage, SearchRequest } from '#gen/surge/article/v1/article';
import type { ArticleDeps } from '../deps.js';
import { decodeCursor } from '../model/cursor.js';
import { checkLimit, checkQuery } from '../rules.js';
import { articlePage } from './page.js';

/** Published articles holding every term of q (#kit/search), best match first, then newest. */
export async function search(d: ArticleDeps, req: SearchRequest): Promise<ArticlePage> {
  const q = checkQuery(req.q);
  const limit = checkLimit(req.limit);
  const from = decodeCursor(req.cursor, ['search']);
  const terms = queryTerms(q);
  if (terms.length === 0) throw errors.invalid('q', 'must hold a letter, digit or CJK character to search for');
  return articlePage(d, await d.lists.search(terms, from, limit), limit, 'search');
}
