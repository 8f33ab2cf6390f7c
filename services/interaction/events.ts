// The events this service publishes (through the outbox, in the transaction that changed the
// fact): the topics other services subscribe to, typed by proto/surge/interaction/v1/events.proto.
// Consumers keep the counters other services show: a video's likes and comments, a user's likes
// given and received. Consumers import this file, so it imports only the message types and the kit.
import { errors } from '#kit/errors';
import { defineTopic, requireId, requireUnitDelta } from '#kit/events';
import { Commented, Favorited, TargetCommented, TargetLiked } from '#gen/surge/interaction/v1/events';

/** delta 1: user_id liked video_id (by author_id); -1: the like was removed. */
export type FavoritedEvent = Favorited;
/** delta 1: a comment was posted on video_id; -1: one was deleted. */
export type CommentedEvent = Commented;

export const FAVORITED = defineTopic('interaction.favorited', Favorited, (event) => {
  requireId(event.userId, 'userId');
  requireId(event.videoId, 'videoId');
  requireId(event.authorId, 'authorId');
  requireUnitDelta(event.delta);
});

export const COMMENTED = defineTopic('interaction.commented', Commented, (event) => {
  requireId(event.videoId, 'videoId');
  requireUnitDelta(event.delta);
});

/** delta 1: user_id liked target_id of biz (owned by owner_id); -1: the like was removed. Every business, videos too. */
export type TargetLikedEvent = TargetLiked;
/** delta 1: a comment was posted on target_id of biz; negative: one was removed with its replies. */
export type TargetCommentedEvent = TargetCommented;

const requireBiz = (biz: string) => {
  if (!/^[a-z]{1,16}$/.test(biz)) throw errors.invalid('biz', 'must be 1–16 lower-case letters');
};

export const TARGET_LIKED = defineTopic('interaction.target-liked', TargetLiked, (event) => {
  requireBiz(event.biz);
  requireId(event.userId, 'userId');
  requireId(event.targetId, 'targetId');
  requireId(event.ownerId, 'ownerId');
  requireUnitDelta(event.delta);
});

export const TARGET_COMMENTED = defineTopic('interaction.target-commented', TargetCommented, (event) => {
  requireBiz(event.biz);
  requireId(event.targetId, 'targetId');
  requireId(event.ownerId, 'ownerId');
  requireId(event.commentId, 'commentId');
  requireId(event.userId, 'userId');
  // +1 for a post; a removal takes the comment and its replies, -1 - replies (a root holds at most MAX_REPLIES).
  if (!Number.isSafeInteger(event.delta) || event.delta === 0 || event.delta > 1 || event.delta < -1_000_001) throw errors.invalid('delta', 'must be 1, or -1 less the replies removed');
});
