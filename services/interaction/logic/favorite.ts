import type { FavoriteReply, FavoriteRequest } from '#gen/surge/interaction/v1/interaction';
import type { InteractionDeps } from '../deps.js';
import { FAVORITED, type FavoritedEvent } from '../events.js';
import type { Tx } from '../model/tx.js';
import { checkId } from '../rules.js';

/**
 * Like or unlike. The row and its event commit together, and only a change records an event:
 * a second like, or an unlike of a video not liked, replies changed=false and publishes nothing.
 * author_id is checked only for a like; an unlike takes the author kept on the deleted row.
 */
export async function favorite(d: InteractionDeps, req: FavoriteRequest): Promise<FavoriteReply> {
  const userId = checkId('user_id', req.userId);
  const videoId = checkId('video_id', req.videoId);
  const record = (trx: Tx, authorId: number, delta: 1 | -1) =>
    d.events.add(trx, FAVORITED, { userId, videoId, authorId, delta } satisfies FavoritedEvent);

  let changed: boolean;
  if (req.like) {
    const authorId = checkId('author_id', req.authorId);
    changed = await d.favorites.add({ userId, videoId, authorId, createdAt: d.clock.now() }, (trx) => record(trx, authorId, 1));
  } else {
    changed = await d.favorites.remove(userId, videoId, (trx, authorId) => record(trx, authorId, -1));
  }
  if (changed) d.events.flush();
  return { changed };
}
