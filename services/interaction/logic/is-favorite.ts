import type { Flags, IsFavoriteRequest } from '#gen/surge/interaction/v1/interaction';
import type { InteractionDeps } from '../deps.js';
import { checkViewer, checkVideoIds } from '../rules.js';

/** One flag per video id, in the order asked; user_id 0 is a signed-out viewer, who likes nothing. */
export async function isFavorite(d: InteractionDeps, req: IsFavoriteRequest): Promise<Flags> {
  const viewer = checkViewer(req.userId);
  const videoIds = checkVideoIds(req.videoIds);
  if (viewer === 0 || videoIds.length === 0) return { values: videoIds.map(() => false) };
  return { values: await d.likes.likes(viewer, 'video', videoIds) };
}
