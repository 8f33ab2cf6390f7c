// Subscribes the video service's consumers to their topics, in the group `video`.
import type { Logger } from 'pino';
import type { Cache } from '#kit/cache';
import type { Clock } from '#kit/clock';
import type { Queue, SubscribeOptions } from '#kit/queue';
import type { ServiceDatabase } from '#kit/store';
import type { VideoDB } from '../model/tables.js';
import { createVideoModel } from '../model/videos.js';
import { COMMENTED, FAVORITED } from '../../interaction/events.js';
import { CONSUMER_GROUP, createCounterHandlers } from './counters.js';

export interface VideoConsumersOptions {
  db: ServiceDatabase<VideoDB>;
  queue: Queue;
  /** The same cache the service was given: its rows are the ones invalidated. */
  cache: Cache;
  clock: Clock;
  log: Logger;
  /** Retry, back-off and concurrency of the subscriptions. Default: the queue's defaults. */
  subscribe?: SubscribeOptions;
}

export async function startVideoConsumers(o: VideoConsumersOptions): Promise<{ close(): Promise<void> }> {
  const handlers = createCounterHandlers({ db: o.db, videos: createVideoModel(o.db, o.cache), clock: o.clock });
  const subs = [
    await o.queue.subscribe(FAVORITED, CONSUMER_GROUP, handlers.favorited, o.subscribe),
    await o.queue.subscribe(COMMENTED, CONSUMER_GROUP, handlers.commented, o.subscribe),
  ];
  o.log.debug({ topics: [FAVORITED.name, COMMENTED.name], group: CONSUMER_GROUP }, 'video consumers started');
  return {
    async close() {
      await Promise.all(subs.map((s) => s.close()));
    },
  };
}
