// The counters shown on a video, kept from other services' events: favorite_count from
// interaction.favorited, comment_count from interaction.commented. Each event is applied once
// (its id recorded in the same transaction as the change), however often it is delivered.
import type { Clock } from '#kit/clock';
import { errors } from '#kit/errors';
import { applyOnce } from '#kit/outbox';
import type { QueueMessage } from '#kit/queue';
import type { ServiceDatabase } from '#kit/store';
import type { VideoDB } from '../model/tables.js';
import type { Counter, VideoModel } from '../model/videos.js';

export const FAVORITED_TOPIC = 'interaction.favorited';
export const COMMENTED_TOPIC = 'interaction.commented';
/** The consumer group: every video instance shares each event once. */
export const CONSUMER_GROUP = 'video';

/** The fields the video service reads; the events carry more. */
export interface CounterEvent {
  videoId: number;
  delta: number;
}

export interface CounterHandlers {
  favorited(msg: QueueMessage<CounterEvent>): Promise<void>;
  commented(msg: QueueMessage<CounterEvent>): Promise<void>;
}

function checkEvent(msg: QueueMessage<CounterEvent>): CounterEvent {
  const { videoId, delta } = (msg.data ?? {}) as Partial<CounterEvent>;
  // A malformed event can never apply: thrown, it is retried and then parked as a dead letter.
  if (typeof videoId !== 'number' || !Number.isSafeInteger(videoId) || videoId <= 0) throw errors.invalid('videoId', `${msg.topic} ${msg.id}: must be a positive integer id`);
  if (typeof delta !== 'number' || !Number.isSafeInteger(delta)) throw errors.invalid('delta', `${msg.topic} ${msg.id}: must be an integer`);
  return { videoId, delta };
}

export function createCounterHandlers(o: { db: ServiceDatabase<VideoDB>; videos: VideoModel; clock: Clock }): CounterHandlers {
  const apply = async (msg: QueueMessage<CounterEvent>, counter: Counter) => {
    const { videoId, delta } = checkEvent(msg);
    await applyOnce(o.db, `${CONSUMER_GROUP}:${msg.id}`, (trx) => o.videos.addToCounter(trx, videoId, counter, delta), { clock: o.clock });
    // Also on a repeat: if the first delivery committed but died before this line, the
    // redelivery is what drops the stale cached row.
    await o.videos.invalidate(videoId);
  };
  return {
    favorited: (msg) => apply(msg, 'favorite_count'),
    commented: (msg) => apply(msg, 'comment_count'),
  };
}
