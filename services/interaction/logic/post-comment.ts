import type { CallContext } from '#kit/rpc';
import type { Comment, PostCommentRequest } from '#gen/surge/interaction/v1/interaction';
import type { InteractionDeps } from '../deps.js';
import { checkId } from '../rules.js';
import { storeComment } from './add-comment.js';
import { videoComment } from './list-comments.js';

/** The Douyin comment: a top-level comment on biz "video", errors naming video_id as they always have. */
export async function postComment(d: InteractionDeps, req: PostCommentRequest, ctx: CallContext): Promise<Comment> {
  const c = { userId: checkId('user_id', req.userId), biz: 'video' as const, targetId: checkId('video_id', req.videoId), content: req.content, replyTo: 0 };
  return videoComment(await storeComment(d, c, ctx, 'video_id'));
}
