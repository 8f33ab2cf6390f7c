import type { Article, UpdateArticleRequest } from '#gen/surge/article/v1/article';
import type { ArticleDeps } from '../deps.js';
import { ARTICLE_PUBLISHED } from '../events.js';
import type { ArticlePatch } from '../model/articles.js';
import { refusals } from '../refusals.js';
import { checkContent, checkCoverUrl, checkId, checkTags, checkTitle } from '../rules.js';

/**
 * The author changes the fields present (each checked and masked as on creation), and publishes
 * a draft when asked; the article after the change. Another user's article is PermissionDenied, checked in the write's own
 * transaction so the row cannot change hands between the check and the write.
 */
export async function updateArticle(d: ArticleDeps, req: UpdateArticleRequest): Promise<Article> {
  const id = checkId('id', req.id);
  const authorId = checkId('author_id', req.authorId);
  const patch: ArticlePatch = {};
  if (req.title !== undefined) patch.title = d.words.mask(checkTitle(req.title));
  if (req.content !== undefined) patch.content = d.words.mask(checkContent(req.content));
  if (req.coverUrl !== undefined) patch.cover_url = checkCoverUrl(req.coverUrl);
  // Tags given replace the article's; replace_tags with none given clears them.
  if (req.replaceTags || req.tags.length > 0) patch.tags = checkTags(req.tags);
  if (req.publish === true) patch.publish = true;
  let published = false;
  const changed = await d.articles.update(
    id,
    patch,
    d.clock.now(),
    (before) => {
      // Another user's draft does not exist for them: NotFound, not a refusal that would reveal it.
      if (before.authorId !== authorId) throw before.status === 'draft' ? refusals.notFound(id) : refusals.notAuthor('edit');
    },
    // A draft going public is announced in the same transaction, as a new article is.
    async (trx, before, after) => {
      if (before.status !== 'draft' || after.status !== 'published') return;
      published = true;
      await d.events.add(trx, ARTICLE_PUBLISHED, { articleId: id, authorId, createdAt: after.createdAt });
    },
  );
  if (!changed) throw refusals.notFound(id);
  if (published) d.events.flush();
  return changed.after;
}
