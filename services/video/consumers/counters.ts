// The counters shown on a video, kept from other services' events: favorite_count from
// interaction.favorited, comment_count from interaction.commented. Each event is applied once
// (its id recorded in the same transaction as the change), however often it is delivered.
// The topics are typed: a payload that does not decode, or lacks a video id or a ±1 delta, is
// dead-lettered by the queue before it reaches these handlers.
import type { Clock } from '#kit/clock';
import { applyOnce } from '#kit/outbox';
import type { QueueMessage } from '#kit/queue';
import type { ServiceDatabase } from '#kit/store';
import type { CommentedEvent, FavoritedEvent } from '../../interaction/events.js';
import type { VideoDB } from '../model/tables.js';
import type { Counter, VideoModel } from '../model/videos.js';

/** The consumer group: every video instance shares each event once. */
export const CONSUMER_GROUP = 'video';

export interface CounterHandlers {
  favorited(msg: QueueMessage<FavoritedEvent>): Promise<void>;
  commented(msg: QueueMessage<CommentedEvent>): Promise<void>;
}

export function createCounterHandlers(o: { db: ServiceDatabase<VideoDB>; videos: VideoModel; clock: Clock }): CounterHandlers {
  const apply = async (msg: QueueMessage<{ videoId: number; delta: number }>, counter: Counter) => {
    const { videoId, delta } = msg.data;
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
