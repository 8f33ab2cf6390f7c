import type { ArticlePage, ListHotRequest } from '#gen/surge/article/v1/article';
import type { ArticleDeps } from '../deps.js';
import { decodeCursor } from '../model/cursor.js';
import { checkLimit } from '../rules.js';
import { articlePage } from './page.js';

/** Published articles hottest first (model/hot.ts), ties broken by id. */
export async function listHot(d: ArticleDeps, req: ListHotRequest): Promise<ArticlePage> {
  const limit = checkLimit(req.limit);
  const from = decodeCursor(req.cursor, ['hot']);
  return articlePage(d, await d.lists.hot(from, limit), limit, 'hot');
}
