import { errors } from '#kit/errors';
import type { FollowReply, FollowRequest } from '#gen/surge/relation/v1/relation';
import type { RelationDeps } from '../deps.js';
import { RELATION_FOLLOWED, type RelationFollowed } from '../events.js';
import { checkId } from '../rules.js';

/**
 * Follow (follow = true) or unfollow. Repeating either changes nothing and publishes nothing;
 * a change publishes relation.followed from the same transaction (counters follow from it).
 */
export async function follow(d: RelationDeps, req: FollowRequest): Promise<FollowReply> {
  const follower = checkId('follower_id', req.followerId);
  const followee = checkId('followee_id', req.followeeId);
  if (follower === followee) throw errors.invalid('followee_id', 'you cannot follow yourself');
  const event: RelationFollowed = { followerId: follower, followeeId: followee, delta: req.follow ? 1 : -1 };
  const changed = await d.follows.set(follower, followee, req.follow, d.clock.now(), (trx) => d.outbox.add(trx, RELATION_FOLLOWED, event));
  if (changed) d.outbox.flush();
  return { changed };
}
