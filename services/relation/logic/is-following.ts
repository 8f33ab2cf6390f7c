import type { Flags, IsFollowingRequest } from '#gen/surge/relation/v1/relation';
import type { RelationDeps } from '../deps.js';
import { checkTargetIds, checkViewer } from '../rules.js';

/** One flag per target, in order (the "followed" mark on feed items): one cache round trip, one query for misses. */
export async function isFollowing(d: RelationDeps, req: IsFollowingRequest): Promise<Flags> {
  const targets = checkTargetIds(req.targetIds);
  const user = checkViewer(req.userId);
  if (user === 0) return { values: targets.map(() => false) };
  return { values: await d.follows.isFollowing(user, targets) };
}
