import type { CallContext } from '#kit/rpc';
import type { Comment, PostCommentRequest } from '#gen/surge/interaction/v1/interaction';
import type { InteractionDeps } from '../deps.js';
import { COMMENTED, type CommentedEvent } from '../events.js';
import { checkContent, checkId } from '../rules.js';

/** Stores the comment (content trimmed) and its event in one transaction, on a video that exists (NotFound naming video_id). */
export async function postComment(d: InteractionDeps, req: PostCommentRequest, ctx: CallContext): Promise<Comment> {
  const userId = checkId('user_id', req.userId);
  const videoId = checkId('video_id', req.videoId);
  const content = checkContent(req.content);
  await d.videos.authorOf(videoId, ctx);
  const comment: Comment = { id: d.ids.next(), userId, videoId, content, createdAt: d.clock.now() };
  await d.comments.add(comment, (trx) => d.events.add(trx, COMMENTED, { videoId, delta: 1 } satisfies CommentedEvent));
  d.events.flush();
  return comment;
}
