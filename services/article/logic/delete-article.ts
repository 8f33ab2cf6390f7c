import type { DeleteArticleReply, DeleteArticleRequest } from '#gen/surge/article/v1/article';
import type { ArticleDeps } from '../deps.js';
import { ARTICLE_DELETED } from '../events.js';
import { refusals } from '../refusals.js';
import { checkId } from '../rules.js';

/** The author deletes an article: gone from detail, lists and search at once, article.deleted in the same transaction. Another user's article is PermissionDenied. */
export async function deleteArticle(d: ArticleDeps, req: DeleteArticleRequest): Promise<DeleteArticleReply> {
  const id = checkId('id', req.id);
  const authorId = checkId('author_id', req.authorId);
  const removed = await d.articles.remove(
    id,
    (row) => {
      // Another user's draft does not exist for them: NotFound, not a refusal that would reveal it.
      if (row.authorId !== authorId) throw row.status === 'draft' ? refusals.notFound(id) : refusals.notAuthor('delete');
    },
    (trx) => d.events.add(trx, ARTICLE_DELETED, { articleId: id, authorId }),
  );
  if (!removed) throw refusals.notFound(id);
  d.events.flush();
  return {};
}
