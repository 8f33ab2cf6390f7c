import type { ArticleList, GetArticlesRequest } from '#gen/surge/article/v1/article';
import type { ArticleDeps } from '../deps.js';
import { checkIds, MAX_BATCH } from '../rules.js';

/**
 * Articles in the order asked, missing ones left out, from the row cache; a draft only for its
 * author as viewer_id, to anyone else it does not exist. count_views records a view of each found.
 */
export async function getArticles(d: ArticleDeps, req: GetArticlesRequest): Promise<ArticleList> {
  const ids = checkIds('ids', req.ids, { max: MAX_BATCH, unique: true });
  const viewer = req.viewerId ?? 0;
  const articles = (await d.articles.byIds(ids)).filter((a) => a.status === 'published' || a.authorId === viewer);
  if (req.countViews) d.views.record(articles.map((a) => a.id));
  return { articles };
}
