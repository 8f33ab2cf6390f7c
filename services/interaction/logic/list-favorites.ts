import type { ListFavoritesRequest, VideoIds } from '#gen/surge/interaction/v1/interaction';
import type { InteractionDeps } from '../deps.js';
import { checkId, checkLimit } from '../rules.js';

/** The videos a user liked, most recent like first. */
export async function listFavorites(d: InteractionDeps, req: ListFavoritesRequest): Promise<VideoIds> {
  const userId = checkId('user_id', req.userId);
  return { videoIds: await d.likes.recent(userId, 'video', checkLimit(req.limit)) };
}
