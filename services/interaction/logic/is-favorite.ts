import type { Flags, IsFavoriteRequest } from '#gen/surge/interaction/v1/interaction';
import { errors } from '#kit/errors';
import type { InteractionDeps } from '../deps.js';
import { checkVideoIds } from '../rules.js';

/** One flag per video id, in the order asked; user_id 0 is a signed-out viewer, who likes nothing. */
export async function isFavorite(d: InteractionDeps, req: IsFavoriteRequest): Promise<Flags> {
  if (!Number.isSafeInteger(req.userId) || req.userId < 0) throw errors.invalid('user_id', 'must be a positive integer id, or 0 for a signed-out viewer');
  const videoIds = checkVideoIds(req.videoIds);
  if (req.userId === 0 || videoIds.length === 0) return { values: videoIds.map(() => false) };
  return { values: await d.favorites.likes(req.userId, videoIds) };
}
