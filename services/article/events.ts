// The events the article service publishes (through the outbox, in the transaction that changed
// the fact), typed by proto/surge/article/v1/events.proto. Consumers import this file, so it
// imports only the message types and the kit.
import { defineTopic, requireId } from '#kit/events';
import { ArticleDeleted, ArticlePublished } from '#gen/surge/article/v1/events';

export type ArticlePublishedEvent = ArticlePublished;
export type ArticleDeletedEvent = ArticleDeleted;

export const ARTICLE_PUBLISHED = defineTopic('article.published', ArticlePublished, (event) => {
  requireId(event.articleId, 'articleId');
  requireId(event.authorId, 'authorId');
  requireId(event.createdAt, 'createdAt');
});

export const ARTICLE_DELETED = defineTopic('article.deleted', ArticleDeleted, (event) => {
  requireId(event.articleId, 'articleId');
  requireId(event.authorId, 'authorId');
});
