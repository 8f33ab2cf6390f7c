// The event the relation service publishes (fixed contract): the user service keeps
// follow_count(followerId) and follower_count(followeeId) from it.

export const RELATION_FOLLOWED = 'relation.followed';

export interface RelationFollowed {
  followerId: number;
  followeeId: number;
  /** 1 follow, -1 unfollow; sent only when the fact changed. */
  delta: 1 | -1;
}
