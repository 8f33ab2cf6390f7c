// The notification consumers' handlers: each event's notice (consumers/notices.ts) applied once
// (#kit/outbox applyOnce: the event's key recorded in the transaction that adds the actor), so a
// redelivered event never counts an actor twice. Events that tell nobody are acknowledged as is.
import type { Clock } from '#kit/clock';
import { applyOnce } from '#kit/outbox';
import type { QueueMessage } from '#kit/queue';
import type { ServiceDatabase } from '#kit/store';
import type { TargetCommentedEvent, TargetLikedEvent } from '../../interaction/events.js';
import type { AcceptedEvent, AnsweredEvent } from '../../qa/events.js';
import type { RelationFollowed } from '../../relation/events.js';
import type { Notice } from '../model/kinds.js';
import type { NotificationModel } from '../model/notifications.js';
import type { NotificationDB } from '../model/tables.js';
import { noticeOf } from './notices.js';

/** The consumer group: every notification instance shares each event once. */
export const CONSUMER_GROUP = 'notification';

export interface NotificationHandlers {
  liked(msg: QueueMessage<TargetLikedEvent>): Promise<void>;
  commented(msg: QueueMessage<TargetCommentedEvent>): Promise<void>;
  followed(msg: QueueMessage<RelationFollowed>): Promise<void>;
  answered(msg: QueueMessage<AnsweredEvent>): Promise<void>;
  accepted(msg: QueueMessage<AcceptedEvent>): Promise<void>;
}

export interface NotificationHandlerOptions {
  db: ServiceDatabase<NotificationDB>;
  notifications: NotificationModel;
  ids: { next(): number };
  clock: Clock;
}

export function createNotificationHandlers(o: NotificationHandlerOptions): NotificationHandlers {
  const apply = async (msg: QueueMessage<unknown>, notice: Notice | undefined) => {
    if (!notice) return;
    await applyOnce(o.db, `${CONSUMER_GROUP}:${msg.id}`, async (trx) => void (await o.notifications.addActor(trx, notice, o.clock.now(), () => o.ids.next())), { clock: o.clock });
  };
  return {
    liked: (msg) => apply(msg, noticeOf.liked(msg.data)),
    commented: (msg) => apply(msg, noticeOf.commented(msg.data)),
    followed: (msg) => apply(msg, noticeOf.followed(msg.data)),
    answered: (msg) => apply(msg, noticeOf.answered(msg.data)),
    accepted: (msg) => apply(msg, noticeOf.accepted(msg.data)),
  };
}
