export { defineVideoService, type VideoService, type VideoServiceOptions } from './service.js';
export { videoMigrations } from './model/migrations.js';
export type { VideoDB } from './model/tables.js';
export { createFeedIndex, DEFAULT_FEED_CAPACITY, type FeedEntry, type FeedIndex, type FeedIndexOptions, type FeedRedis, type FeedSlice } from './model/feed-index.js';
export { startVideoConsumers, type VideoConsumersOptions } from './consumers/start.js';
export { MAX_BATCH as MAX_VIDEOS_PER_BATCH } from './logic/get-videos.js';
export { VIDEO_PUBLISHED, type VideoPublishedEvent } from './events.js';
export { VideoServiceDefinition } from '#gen/surge/video/v1/video';
export { videoModule } from './module.js';
