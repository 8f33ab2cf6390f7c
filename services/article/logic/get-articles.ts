import type { ArticleList, GetArticlesRequest } from '#gen/surge/article/v1/article';
import type { ArticleDeps } from '../deps.js';
import { checkIds, MAX_BATCH } from '../rules.js';

/** Articles in the order asked, missing ones left out, from the row cache; count_views records a view of each found. */
export async function getArticles(d: ArticleDeps, req: GetArticlesRequest): Promise<ArticleList> {
  const ids = checkIds('ids', req.ids, { max: MAX_BATCH, unique: true });
  const articles = await d.articles.byIds(ids);
  if (req.countViews) d.views.record(articles.map((a) => a.id));
  return { articles };
}
