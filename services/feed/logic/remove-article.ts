import type { ArticleDeletedEvent } from '../../article/events.js';
import type { FeedDeps } from '../deps.js';

/**
 * article.deleted: the article is marked deleted in the feed's index first (so a publish
 * delivered after this pushes nothing), then leaves every inbox. Safe to run again.
 */
export async function removeArticle(d: FeedDeps, event: ArticleDeletedEvent): Promise<void> {
  await d.articles.remove(event.articleId, event.authorId);
  await d.inbox.removeArticle(event.articleId);
}
