import type { GetViewerStatesRequest, TargetStates } from '#gen/surge/interaction/v1/interaction';
import { errors } from '#kit/errors';
import type { InteractionDeps } from '../deps.js';
import { type Biz, checkBiz, checkTargetIds, checkViewer } from '../rules.js';

/**
 * getTargetStates for many (viewer, target) pairs: each target's counts read once, each viewer's
 * flags in one read of their targets. Pair i is user_ids[i] reading target_ids[i].
 */
export async function getViewerStates(d: InteractionDeps, req: GetViewerStatesRequest): Promise<TargetStates> {
  const biz = checkBiz(req.biz);
  const ids = checkTargetIds(req.targetIds);
  if (req.userIds.length !== ids.length) throw errors.invalid('user_ids', `must name one reader per target id (${req.userIds.length} for ${ids.length})`);
  const viewers = req.userIds.map((v) => checkViewer(v, 'user_ids'));
  return readStates(d, biz, ids, viewers);
}

/** The states of checked pairs: viewers[i] (0: signed out) reading ids[i]. */
export async function readStates(d: InteractionDeps, biz: Biz, ids: readonly number[], viewers: readonly number[]): Promise<TargetStates> {
  if (ids.length === 0) return { states: [] };
  const targetsOf = new Map<number, number[]>();
  viewers.forEach((viewer, i) => {
    if (viewer === 0) return;
    const targets = targetsOf.get(viewer);
    if (targets === undefined) targetsOf.set(viewer, [ids[i]!]);
    else if (!targets.includes(ids[i]!)) targets.push(ids[i]!);
  });
  const unique = [...new Set(ids)];
  const readers = [...targetsOf];
  const [counts, ...flags] = await Promise.all([d.counts.get(biz, unique), ...readers.map(([viewer, targets]) => d.likes.likes(viewer, biz, targets))]);
  const countOf = new Map(unique.map((id, i) => [id, counts[i]!]));
  // The targets each signed-in reader likes (a signed-out reader, 0, is never here).
  const likedBy = new Map(readers.map(([viewer, targets], r) => [viewer, new Set(targets.filter((_, i) => flags[r]![i]))]));
  return {
    states: ids.map((id, i) => {
      const c = countOf.get(id)!;
      return { likeCount: c.likeCount, commentCount: c.commentCount, liked: likedBy.get(viewers[i]!)?.has(id) === true };
    }),
  };
}
