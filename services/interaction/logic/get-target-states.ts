import type { GetTargetStatesRequest, TargetStates } from '#gen/surge/interaction/v1/interaction';
import type { InteractionDeps } from '../deps.js';
import { checkBiz, checkTargetIds, checkViewer } from '../rules.js';
import { readStates } from './get-viewer-states.js';

/** Counts and the viewer's like flag of each target, in the order asked; user_id 0 likes nothing. Missing targets answer zeros: existence is the owner's to say. */
export async function getTargetStates(d: InteractionDeps, req: GetTargetStatesRequest): Promise<TargetStates> {
  const viewer = checkViewer(req.userId);
  const biz = checkBiz(req.biz);
  const ids = checkTargetIds(req.targetIds);
  // One reader of every target: the many-readers read with a single reader.
  return readStates(d, biz, ids, ids.map(() => viewer));
}
