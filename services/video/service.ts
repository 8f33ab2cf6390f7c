// Wires the video service: models over the service's own database, cache and feed index, the
// cover maker over the blob store, then one handler per RPC method, each a use case in logic/.
import type { Logger } from 'pino';
import type { BlobStore } from '#kit/blob';
import type { Cache } from '#kit/cache';
import type { Clock } from '#kit/clock';
import type { Outbox } from '#kit/outbox';
import type { ServiceImpl } from '#kit/rpc';
import type { ServiceDatabase } from '#kit/store';
import { VideoServiceDefinition } from '#gen/surge/video/v1/video';
import { createCoverMaker } from './covers/covers.js';
import type { VideoDeps } from './deps.js';
import { feed } from './logic/feed.js';
import { getVideos } from './logic/get-videos.js';
import { listByAuthor } from './logic/list-by-author.js';
import { publish } from './logic/publish.js';
import { createFeedModel } from './model/feed.js';
import type { FeedIndex } from './model/feed-index.js';
import { createStamps } from './model/stamps.js';
import type { VideoDB } from './model/tables.js';
import { createVideoModel } from './model/videos.js';

export interface VideoServiceOptions {
  db: ServiceDatabase<VideoDB>;
  /** The row cache's cache. startVideoConsumers must get the same one, so its invalidations reach these rows. */
  cache: Cache;
  clock: Clock;
  ids: { next(): number };
  /** Where uploads are read from and covers written to. */
  blob: BlobStore;
  /** Over the same database: video.published commits with the video. */
  outbox: Pick<Outbox, 'add' | 'flush'>;
  /** createFeedIndex(): over Redis when instances share a feed, in process otherwise. */
  feedIndex: FeedIndex;
  log: Logger;
  /** The ffmpeg binary for covers. Default 'ffmpeg' on PATH; null: placeholder covers only. */
  ffmpegPath?: string | null;
  /** Longest an ffmpeg run may take. Default 10_000 ms. */
  coverTimeoutMs?: number;
}

export type VideoService = ServiceImpl<typeof VideoServiceDefinition>;

export function defineVideoService(o: VideoServiceOptions): VideoService {
  const videos = createVideoModel(o.db, o.cache);
  const d: VideoDeps = {
    videos,
    feed: createFeedModel({ index: o.feedIndex, videos, log: o.log }),
    covers: createCoverMaker({
      blob: o.blob,
      clock: o.clock,
      log: o.log,
      ...(o.ffmpegPath === undefined ? {} : { ffmpegPath: o.ffmpegPath }),
      ...(o.coverTimeoutMs === undefined ? {} : { timeoutMs: o.coverTimeoutMs }),
    }),
    stamps: createStamps(o.clock),
    outbox: o.outbox,
    ids: o.ids,
    clock: o.clock,
    log: o.log,
  };
  return {
    publish: (req) => publish(d, req),
    getVideos: (req) => getVideos(d, req),
    listByAuthor: (req) => listByAuthor(d, req),
    feed: (req) => feed(d, req),
  };
}
