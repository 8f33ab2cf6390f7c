// The events this service publishes (through the outbox, in the transaction that changed the
// fact): the topics other services subscribe to, typed by proto/surge/interaction/v1/events.proto.
// Consumers keep the counters other services show: a video's likes and comments, a user's likes
// given and received. Consumers import this file, so it imports only the message types and the kit.
import { defineTopic, requireId, requireUnitDelta } from '#kit/events';
import { Commented, Favorited } from '#gen/surge/interaction/v1/events';

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
