import type { CallContext } from '#kit/rpc';
import type { FavoriteReply, FavoriteRequest } from '#gen/surge/interaction/v1/interaction';
import type { InteractionDeps } from '../deps.js';
import { checkId } from '../rules.js';
import { setLike } from './like.js';

/** The Douyin like: a like of biz "video", errors naming video_id as they always have. */
export async function favorite(d: InteractionDeps, req: FavoriteRequest, ctx: CallContext): Promise<FavoriteReply> {
  const change = { userId: checkId('user_id', req.userId), biz: 'video' as const, targetId: checkId('video_id', req.videoId), like: req.like };
  const { changed } = await setLike(d, change, ctx, 'video_id', false);
  return { changed };
}
