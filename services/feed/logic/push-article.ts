import type { ArticlePublishedEvent } from '../../article/events.js';
import type { FeedDeps } from '../deps.js';

/**
 * article.published: recorded for backfills; then, for an author with at most pushLimit
 * followers, one inbox row per follower, a page of followers per insert. For a bigger author
 * only the record (marked pulled): readers fetch it at read time. A redelivery, even after a
 * partial run, inserts only the rows missing; one after the article's delete inserts nothing.
 * (A delete applied while a push is paging can still leave the rows inserted after it: the
 * gateway shows only articles the article service still has.)
 */
export async function pushArticle(d: FeedDeps, event: ArticlePublishedEvent): Promise<void> {
  const entry = { articleId: event.articleId, authorId: event.authorId, createdAt: event.createdAt };
  const pulled = (await d.counts.get(event.authorId)) > d.pushLimit;
  if (!(await d.articles.record(entry, pulled)) || pulled) return;
  for await (const followers of d.relations.followers(event.authorId)) await d.inbox.add(followers, [entry]);
}
