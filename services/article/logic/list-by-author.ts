import type { ArticlePage, ListByAuthorRequest } from '#gen/surge/article/v1/article';
import type { ArticleDeps } from '../deps.js';
import { decodeCursor } from '../model/cursor.js';
import { checkId, checkLimit, checkOrder } from '../rules.js';
import { articlePage } from './page.js';

/** An author's articles, newest first or by likes, ties broken by id; a cursor of the other order is refused. */
export async function listByAuthor(d: ArticleDeps, req: ListByAuthorRequest): Promise<ArticlePage> {
  const authorId = checkId('author_id', req.authorId);
  const order = checkOrder(req.sort);
  const limit = checkLimit(req.limit);
  const from = decodeCursor(req.cursor, [order]);
  return articlePage(d, await d.lists.byAuthor(authorId, order, from, limit), limit, order);
}
