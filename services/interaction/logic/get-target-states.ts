import type { GetTargetStatesRequest, TargetStates } from '#gen/surge/interaction/v1/interaction';
import type { InteractionDeps } from '../deps.js';
import { checkBiz, checkTargetIds, checkViewer } from '../rules.js';

/** Counts and the viewer's like flag of each target, in the order asked; user_id 0 likes nothing. Missing targets answer zeros: existence is the owner's to say. */
export async function getTargetStates(d: InteractionDeps, req: GetTargetStatesRequest): Promise<TargetStates> {
  const viewer = checkViewer(req.userId);
  const biz = checkBiz(req.biz);
  const ids = checkTargetIds(req.targetIds);
  if (ids.length === 0) return { states: [] };
  const [counts, liked] = await Promise.all([d.counts.get(biz, ids), viewer === 0 ? ids.map(() => false) : d.likes.likes(viewer, biz, ids)]);
  return { states: counts.map((c, i) => ({ likeCount: c.likeCount, commentCount: c.commentCount, liked: liked[i]! })) };
}
