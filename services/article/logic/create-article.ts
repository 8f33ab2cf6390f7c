import type { Article, CreateArticleRequest } from '#gen/surge/article/v1/article';
import type { ArticleDeps } from '../deps.js';
import { ARTICLE_PUBLISHED } from '../events.js';
import { checkContent, checkCoverUrl, checkId, checkTags, checkTitle } from '../rules.js';

/** A new article, published at once (article.published in the same transaction) or kept as a draft, indexed for search, its title and body with the configured words masked. */
export async function createArticle(d: ArticleDeps, req: CreateArticleRequest): Promise<Article> {
  const authorId = checkId('author_id', req.authorId);
  const title = checkTitle(req.title);
  const content = checkContent(req.content);
  const coverUrl = checkCoverUrl(req.coverUrl);
  const tags = checkTags(req.tags);
  const id = d.ids.next();
  const createdAt = d.clock.now();
  const article = await d.articles.insert(
    {
      id,
      author_id: authorId,
      title: d.words.mask(title),
      content: d.words.mask(content),
      cover_url: coverUrl,
      tags,
      status: req.draft === true ? 'draft' : 'published',
      created_at: createdAt,
    },
    // A draft is published later (update-article.ts), and only then announced.
    async (trx) => {
      if (req.draft !== true) await d.events.add(trx, ARTICLE_PUBLISHED, { articleId: id, authorId, createdAt });
    },
  );
  if (req.draft !== true) d.events.flush();
  return article;
}
