// The feed service as a module: inboxes over its own database, the relation service as the
// judge of who follows whom, and the consumers that push published articles, drop deleted ones
// and follow follows.
import { defineServiceModule, type ModuleContext } from '#kit/service';
import { FeedServiceDefinition } from '#gen/surge/feed/v1/feed';
import { RelationServiceDefinition } from '#gen/surge/relation/v1/relation';
import { ARTICLE_DELETED, ARTICLE_PUBLISHED } from '../article/events.js';
import { RELATION_FOLLOWED } from '../relation/events.js';
import type { FeedConfig } from './config.js';
import { startFeedConsumers } from './consumers/events.js';
import { feedMigrations } from './model/migrations.js';
import type { FeedDB } from './model/tables.js';
import { defineFeedEvents, defineFeedService, type FeedServiceOptions } from './service.js';

const calls = { relations: RelationServiceDefinition };

/** The configuration section the feed service reads (./config.ts). */
export interface FeedSections {
  feed: FeedConfig;
}

type FeedContext = ModuleContext<FeedDB, FeedSections, typeof calls>;

const options = (ctx: FeedContext): FeedServiceOptions => ({ db: ctx.db, clock: ctx.clock, relations: ctx.clients.relations, pushLimit: ctx.config.feed.pushLimit });

export const feedModule = defineServiceModule({
  definition: FeedServiceDefinition,
  migrations: feedMigrations,
  config: ['feed'],
  calls,
  consumes: [ARTICLE_PUBLISHED, ARTICLE_DELETED, RELATION_FOLLOWED],
  handlers: (ctx: FeedContext) => defineFeedService(options(ctx)),
  consumers: (ctx: FeedContext) => startFeedConsumers({ queue: ctx.queue, events: defineFeedEvents(options(ctx)), log: ctx.log }),
});
