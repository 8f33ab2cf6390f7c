import type { ArticlePage, ListDraftsRequest } from '#gen/surge/article/v1/article';
import type { ArticleDeps } from '../deps.js';
import { decodeCursor } from '../model/cursor.js';
import { checkId, checkLimit } from '../rules.js';
import { articlePage } from './page.js';

/** An author's drafts, newest first, ties broken by id: the caller passes the signed-in user, never another. */
export async function listDrafts(d: ArticleDeps, req: ListDraftsRequest): Promise<ArticlePage> {
  const authorId = checkId('author_id', req.authorId);
  const limit = checkLimit(req.limit);
  const from = decodeCursor(req.cursor, ['drafts']);
  return articlePage(d, await d.lists.drafts(authorId, from, limit), limit, 'drafts');
}
