// Points from the community's activity: an article published (its author), an accepted answer
// (its answerer), a like received (the liked thing's owner; never for liking one's own, and an
// unlike takes nothing back). Each delivery is applied once (applyOnce on group + message id).
import type { Logger } from 'pino';
import type { Queue, QueueMessage } from '#kit/queue';
import { ARTICLE_PUBLISHED, type ArticlePublishedEvent } from '../../article/events.js';
import { TARGET_LIKED, type TargetLikedEvent } from '../../interaction/events.js';
import { ACCEPTED, type AcceptedEvent } from '../../qa/events.js';
import type { MemberDeps } from '../deps.js';
import { awardPoints, type PointEvent } from '../logic/award-points.js';

/** The consumer group: every member instance shares each event once. */
export const CONSUMER_GROUP = 'member';

/** The topics points come from. */
export const POINT_TOPICS = [ARTICLE_PUBLISHED, ACCEPTED, TARGET_LIKED] as const;

const keyOf = (msg: QueueMessage<unknown>) => `${CONSUMER_GROUP}:${msg.topic}:${msg.id}`;

/** Each event as the points it may earn, or undefined when it earns none. */
export const pointsOf = {
  published: (msg: QueueMessage<ArticlePublishedEvent>): PointEvent => ({ key: keyOf(msg), userId: msg.data.authorId, kind: 'article', ref: String(msg.data.articleId) }),
  accepted: (msg: QueueMessage<AcceptedEvent>): PointEvent => ({ key: keyOf(msg), userId: msg.data.answererId, kind: 'accepted', ref: String(msg.data.answerId) }),
  liked: (msg: QueueMessage<TargetLikedEvent>): PointEvent | undefined => {
    const like = msg.data;
    // An unlike takes nothing back (points only grow), and liking one's own earns nothing.
    if (like.delta !== 1 || like.userId === like.ownerId) return undefined;
    return { key: keyOf(msg), userId: like.ownerId, kind: 'like', ref: `${like.userId}:${like.biz}:${like.targetId}` };
  },
};

export interface PointConsumerOptions {
  deps: MemberDeps;
  queue: Queue;
  log: Logger;
}

export async function startPointConsumers(o: PointConsumerOptions): Promise<{ close(): Promise<void> }> {
  const give = async (event: PointEvent | undefined) => {
    if (event) await awardPoints(o.deps, event);
  };
  const subs = [
    await o.queue.subscribe(ARTICLE_PUBLISHED, CONSUMER_GROUP, (msg) => give(pointsOf.published(msg))),
    await o.queue.subscribe(ACCEPTED, CONSUMER_GROUP, (msg) => give(pointsOf.accepted(msg))),
    await o.queue.subscribe(TARGET_LIKED, CONSUMER_GROUP, (msg) => give(pointsOf.liked(msg))),
  ];
  o.log.debug({ topics: POINT_TOPICS.map((t) => t.name), group: CONSUMER_GROUP }, 'member consumers started');
  return {
    async close() {
      await Promise.all(subs.map((s) => s.close()));
    },
  };
}
