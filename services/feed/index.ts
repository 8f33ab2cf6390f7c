export { defineFeedService, defineFeedEvents, type FeedService, type FeedServiceOptions } from './service.js';
export { feedMigrations } from './model/migrations.js';
export type { FeedDB } from './model/tables.js';
export { PAGE as FEED_PAGE, BACKFILL } from './rules.js';
export type { FeedConfig } from './config.js';
export { FeedServiceDefinition } from '#gen/surge/feed/v1/feed';
export { feedModule, type FeedSections } from './module.js';
