// Wires the feed service: the inbox, the article index and the follower counts over the
// service's own database, the relation service behind its contract, then one handler per RPC
// method and one per event, each a use case in logic/.
import type { Clock } from '#kit/clock';
import type { ServiceImpl } from '#kit/rpc';
import type { ServiceDatabase } from '#kit/store';
import { FeedServiceDefinition } from '#gen/surge/feed/v1/feed';
import type { FeedDeps } from './deps.js';
import { applyFollow } from './logic/apply-follow.js';
import { pushArticle } from './logic/push-article.js';
import { readFeed } from './logic/read-feed.js';
import { removeArticle } from './logic/remove-article.js';
import { createArticleIndex } from './model/articles.js';
import { createFollowerCounts } from './model/follower-counts.js';
import { createInboxModel } from './model/inbox.js';
import type { FeedDB } from './model/tables.js';
import { createApplyOnce } from './model/tx.js';
import { relationsOver, type RelationClient } from './relations.js';
import type { FeedEvents } from './consumers/events.js';

export interface FeedServiceOptions {
  /** Opened with feedMigrations. */
  db: ServiceDatabase<FeedDB>;
  clock: Clock;
  /** The relation service's client: followers to push to, followees to pull from. */
  relations: RelationClient;
  /** feed.pushLimit: authors with more followers are pulled at read time. */
  pushLimit: number;
}

export type FeedService = ServiceImpl<typeof FeedServiceDefinition>;

function feedDeps(o: FeedServiceOptions): FeedDeps {
  return {
    inbox: createInboxModel(o.db.db),
    articles: createArticleIndex(o.db.db),
    counts: createFollowerCounts(o.db),
    once: createApplyOnce(o.db, o.clock),
    relations: relationsOver(o.relations),
    pushLimit: o.pushLimit,
  };
}

export function defineFeedService(o: FeedServiceOptions): FeedService {
  const d = feedDeps(o);
  return {
    feed: (req, ctx) => readFeed(d, req, ctx),
  };
}

/** What the consumers do with each event (consumers/events.ts subscribes them). */
export function defineFeedEvents(o: FeedServiceOptions): FeedEvents {
  const d = feedDeps(o);
  return {
    published: (event) => pushArticle(d, event),
    deleted: (event) => removeArticle(d, event),
    followed: (key, event) => applyFollow(d, key, event),
  };
}
