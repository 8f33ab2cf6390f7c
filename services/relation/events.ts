// The event the relation service publishes, typed by proto/surge/relation/v1/events.proto: the
// user service keeps follow_count(followerId) and follower_count(followeeId) from it. Consumers
// import this file, so it imports only the message type and the kit.
import { defineTopic, requireId, requireUnitDelta } from '#kit/events';
import { Followed } from '#gen/surge/relation/v1/events';

/** 1 follow, -1 unfollow; sent only when the fact changed. */
export type RelationFollowed = Followed;

export const RELATION_FOLLOWED = defineTopic('relation.followed', Followed, (event) => {
  requireId(event.followerId, 'followerId');
  requireId(event.followeeId, 'followeeId');
  requireUnitDelta(event.delta);
});
