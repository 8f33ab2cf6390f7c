import type { Article, CreateArticleRequest } from '#gen/surge/article/v1/article';
import type { ArticleDeps } from '../deps.js';
import { checkContent, checkCoverUrl, checkId, checkTags, checkTitle } from '../rules.js';

/** A new article, published at once and indexed for search, its title and body with the configured words masked. */
export async function createArticle(d: ArticleDeps, req: CreateArticleRequest): Promise<Article> {
  const authorId = checkId('author_id', req.authorId);
  const title = checkTitle(req.title);
  const content = checkContent(req.content);
  const coverUrl = checkCoverUrl(req.coverUrl);
  const tags = checkTags(req.tags);
  return d.articles.insert({
    id: d.ids.next(),
    author_id: authorId,
    title: d.words.mask(title),
    content: d.words.mask(content),
    cover_url: coverUrl,
    tags,
    status: 'published',
    created_at: d.clock.now(),
  });
}
