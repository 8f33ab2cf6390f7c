import type { Comment, PostCommentRequest } from '#gen/surge/interaction/v1/interaction';
import type { InteractionDeps } from '../deps.js';
import { COMMENTED, type CommentedEvent } from '../events.js';
import { checkContent, checkId } from '../rules.js';

/** Stores the comment (content trimmed) and its event in one transaction. */
export async function postComment(d: InteractionDeps, req: PostCommentRequest): Promise<Comment> {
  const userId = checkId('user_id', req.userId);
  const videoId = checkId('video_id', req.videoId);
  const content = checkContent(req.content);
  const comment: Comment = { id: d.ids.next(), userId, videoId, content, createdAt: d.clock.now() };
  await d.comments.add(comment, (trx) => d.events.add(trx, COMMENTED, { videoId, delta: 1 } satisfies CommentedEvent));
  d.events.flush();
  return comment;
}
