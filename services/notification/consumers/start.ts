// Subscribes the notification service's consumers to their topics, in the group `notification`.
import type { Logger } from 'pino';
import type { Clock } from '#kit/clock';
import type { Queue, SubscribeOptions } from '#kit/queue';
import type { ServiceDatabase } from '#kit/store';
import { TARGET_COMMENTED, TARGET_LIKED } from '../../interaction/events.js';
import { ACCEPTED, ANSWERED } from '../../qa/events.js';
import { RELATION_FOLLOWED } from '../../relation/events.js';
import { createNotificationModel } from '../model/notifications.js';
import type { NotificationDB } from '../model/tables.js';
import { CONSUMER_GROUP, createNotificationHandlers } from './handlers.js';

/** Every topic the service reads, for its module's `consumes`. */
export const CONSUMED = [TARGET_LIKED, TARGET_COMMENTED, RELATION_FOLLOWED, ANSWERED, ACCEPTED] as const;

export interface NotificationConsumersOptions {
  db: ServiceDatabase<NotificationDB>;
  queue: Queue;
  ids: { next(): number };
  clock: Clock;
  log: Logger;
  /** Retry, back-off and concurrency of the subscriptions. Default: the queue's defaults. */
  subscribe?: SubscribeOptions;
}

export async function startNotificationConsumers(o: NotificationConsumersOptions): Promise<{ close(): Promise<void> }> {
  const handlers = createNotificationHandlers({ db: o.db, notifications: createNotificationModel(o.db), ids: o.ids, clock: o.clock });
  const subs = [
    await o.queue.subscribe(TARGET_LIKED, CONSUMER_GROUP, handlers.liked, o.subscribe),
    await o.queue.subscribe(TARGET_COMMENTED, CONSUMER_GROUP, handlers.commented, o.subscribe),
    await o.queue.subscribe(RELATION_FOLLOWED, CONSUMER_GROUP, handlers.followed, o.subscribe),
    await o.queue.subscribe(ANSWERED, CONSUMER_GROUP, handlers.answered, o.subscribe),
    await o.queue.subscribe(ACCEPTED, CONSUMER_GROUP, handlers.accepted, o.subscribe),
  ];
  o.log.debug({ topics: CONSUMED.map((t) => t.name), group: CONSUMER_GROUP }, 'notification consumers started');
  return {
    async close() {
      await Promise.all(subs.map((s) => s.close()));
    },
  };
}
