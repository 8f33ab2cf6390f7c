// The three lists of a user, most recent first.
import type { ListRequest, UserIds } from '#gen/surge/relation/v1/relation';
import type { RelationDeps } from '../deps.js';
import { checkId, checkLimit } from '../rules.js';

export async function listFollowing(d: RelationDeps, req: ListRequest): Promise<UserIds> {
  return { userIds: await d.follows.following(checkId('user_id', req.userId), checkLimit(req.limit)) };
}

export async function listFollowers(d: RelationDeps, req: ListRequest): Promise<UserIds> {
  return { userIds: await d.follows.followers(checkId('user_id', req.userId), checkLimit(req.limit)) };
}

/** Friends are mutual follows, ordered by when user_id followed them. */
export async function listFriends(d: RelationDeps, req: ListRequest): Promise<UserIds> {
  return { userIds: await d.follows.friends(checkId('user_id', req.userId), checkLimit(req.limit)) };
}
