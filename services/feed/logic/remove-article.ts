import type { ArticleDeletedEvent } from '../../article/events.js';
import type { FeedDeps } from '../deps.js';

/** article.deleted: the article leaves every inbox and the feed's index. Safe to run again. */
export async function removeArticle(d: FeedDeps, event: ArticleDeletedEvent): Promise<void> {
  await d.inbox.removeArticle(event.articleId);
  await d.articles.remove(event.articleId);
}
