import type { CallContext } from '#kit/rpc';
import type { FavoriteReply, FavoriteRequest } from '#gen/surge/interaction/v1/interaction';
import type { InteractionDeps } from '../deps.js';
import { FAVORITED, type FavoritedEvent } from '../events.js';
import type { Tx } from '../model/tx.js';
import { checkId } from '../rules.js';

/**
 * Like or unlike. The row and its event commit together, and only a change records an event:
 * a second like, or an unlike of a video not liked, replies changed=false and publishes nothing.
 * The video must exist, liked or unliked (NotFound naming video_id); its author, whose received
 * likes are counted, is the video service's answer. An unlike takes the author kept on the
 * deleted row.
 */
export async function favorite(d: InteractionDeps, req: FavoriteRequest, ctx: CallContext): Promise<FavoriteReply> {
  const userId = checkId('user_id', req.userId);
  const videoId = checkId('video_id', req.videoId);
  const author = await d.videos.authorOf(videoId, ctx);
  const record = (trx: Tx, authorId: number, delta: 1 | -1) =>
    d.events.add(trx, FAVORITED, { userId, videoId, authorId, delta } satisfies FavoritedEvent);

  let changed: boolean;
  if (req.like) {
    changed = await d.favorites.add({ userId, videoId, authorId: author, createdAt: d.clock.now() }, (trx) => record(trx, author, 1));
  } else {
    changed = await d.favorites.remove(userId, videoId, (trx, authorId) => record(trx, authorId, -1));
  }
  if (changed) d.events.flush();
  return { changed };
}
