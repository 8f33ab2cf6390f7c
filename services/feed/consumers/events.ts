// The feed's consumers: article.published pushes to followers' inboxes (or marks the article
// pulled), article.deleted takes it out, relation.followed keeps follower counts and backfills
// or empties one follower's inbox. All three are safe under redelivery (logic/ says how).
import type { Logger } from 'pino';
import type { Queue } from '#kit/queue';
import { ARTICLE_DELETED, ARTICLE_PUBLISHED, type ArticleDeletedEvent, type ArticlePublishedEvent } from '../../article/events.js';
import { RELATION_FOLLOWED, type RelationFollowed } from '../../relation/events.js';

/** The consumer group: every feed instance shares each event once. */
export const CONSUMER_GROUP = 'feed';

/** A push pages through up to pushLimit followers: a few at once keep a burst of publishes moving. */
const PUSHES_IN_FLIGHT = 8;
const FOLLOWS_IN_FLIGHT = 64;

export interface FeedEvents {
  published(event: ArticlePublishedEvent): Promise<void>;
  deleted(event: ArticleDeletedEvent): Promise<void>;
  /** `key` is the event's delivery id, the same on every redelivery: it is applied once. */
  followed(key: string, event: RelationFollowed): Promise<void>;
}

export interface FeedConsumerOptions {
  queue: Queue;
  events: FeedEvents;
  log: Logger;
}

export async function startFeedConsumers(o: FeedConsumerOptions): Promise<{ close(): Promise<void> }> {
  const subs = [
    await o.queue.subscribe(ARTICLE_PUBLISHED, CONSUMER_GROUP, (msg) => o.events.published(msg.data), { concurrency: PUSHES_IN_FLIGHT }),
    await o.queue.subscribe(ARTICLE_DELETED, CONSUMER_GROUP, (msg) => o.events.deleted(msg.data), { concurrency: PUSHES_IN_FLIGHT }),
    await o.queue.subscribe(RELATION_FOLLOWED, CONSUMER_GROUP, (msg) => o.events.followed(`${CONSUMER_GROUP}:${msg.id}`, msg.data), { concurrency: FOLLOWS_IN_FLIGHT }),
  ];
  o.log.debug({ topics: [ARTICLE_PUBLISHED.name, ARTICLE_DELETED.name, RELATION_FOLLOWED.name], group: CONSUMER_GROUP }, 'feed consumers started');
  return {
    async close() {
      await Promise.all(subs.map((s) => s.close()));
    },
  };
}
