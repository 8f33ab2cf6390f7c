import type { ArticleList, GetArticlesRequest } from '#gen/surge/article/v1/article';
import type { ArticleDeps } from '../deps.js';
import { checkIds, MAX_BATCH } from '../rules.js';

/** Articles in the order asked, missing ones left out, from the row cache. */
export async function getArticles(d: ArticleDeps, req: GetArticlesRequest): Promise<ArticleList> {
  const ids = checkIds('ids', req.ids, { max: MAX_BATCH, unique: true });
  return { articles: await d.articles.byIds(ids) };
}
