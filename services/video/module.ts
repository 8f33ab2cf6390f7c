// The video service as a module: videos and covers over its own database, cache and the blob
// store, the newest-first feed index (shared in Redis when there is Redis, in process
// otherwise), and the consumers that keep like and comment counts.
import { defineServiceModule, type ModuleContext } from '#kit/service';
import { VideoServiceDefinition } from '#gen/surge/video/v1/video';
import { startVideoConsumers } from './consumers/start.js';
import { COMMENTED, FAVORITED } from '../interaction/events.js';
import { VIDEO_PUBLISHED } from './events.js';
import { createFeedIndex } from './model/feed-index.js';
import { videoMigrations } from './model/migrations.js';
import type { VideoDB } from './model/tables.js';
import { defineVideoService } from './service.js';
import type { VideoConfig } from './config.js';

/** The configuration section the video service reads (./config.ts). */
export interface VideoSections {
  video: VideoConfig;
}

type VideoContext = ModuleContext<VideoDB, VideoSections>;

export const videoModule = defineServiceModule({
  definition: VideoServiceDefinition,
  migrations: videoMigrations,
  config: ['video'],
  publishes: [VIDEO_PUBLISHED],
  consumes: [FAVORITED, COMMENTED],
  handlers(ctx: VideoContext) {
    const v = ctx.config.video;
    return defineVideoService({
      db: ctx.db,
      cache: ctx.cache(),
      clock: ctx.clock,
      ids: ctx.ids,
      blob: ctx.blob,
      outbox: ctx.outbox(),
      // Instances share one feed index in Redis when there is Redis; embedded keeps it in process.
      feedIndex: createFeedIndex({ redis: ctx.redis, key: `${ctx.keyPrefix}video:feed`, capacity: v.feedIndexSize }),
      log: ctx.log,
      ffmpegPath: v.ffmpeg === '' ? null : v.ffmpeg,
    });
  },
  consumers: (ctx: VideoContext) => startVideoConsumers({ db: ctx.db, queue: ctx.queue, cache: ctx.cache(), clock: ctx.clock, log: ctx.log }),
});
