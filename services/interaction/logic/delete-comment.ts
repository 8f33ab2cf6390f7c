import type { Comment, DeleteCommentRequest } from '#gen/surge/interaction/v1/interaction';
import { Code, SurgeError } from '#kit/errors';
import type { InteractionDeps } from '../deps.js';
import { COMMENTED, type CommentedEvent } from '../events.js';
import { checkId } from '../rules.js';

const notFound = (commentId: number) =>
  new SurgeError(Code.NotFound, `comment_id: comment ${commentId} not found`, { details: { field: 'comment_id' } });

/**
 * Deletes a comment its author asks to delete; returns it as it was. A comment on another video
 * than the one named is not found there (checked before the author, so a stranger learns nothing).
 */
export async function deleteComment(d: InteractionDeps, req: DeleteCommentRequest): Promise<Comment> {
  const userId = checkId('user_id', req.userId);
  const commentId = checkId('comment_id', req.commentId);
  if (req.videoId !== 0) checkId('video_id', req.videoId);
  const comment = await d.comments.find(commentId);
  if (!comment || (req.videoId !== 0 && comment.videoId !== req.videoId)) throw notFound(commentId);
  if (comment.userId !== userId) throw new SurgeError(Code.PermissionDenied, 'only the author of a comment can delete it');
  // A concurrent delete may have won since find(): then this one is the second delete.
  const removed = await d.comments.remove(comment, (trx) =>
    d.events.add(trx, COMMENTED, { videoId: comment.videoId, delta: -1 } satisfies CommentedEvent),
  );
  if (!removed) throw notFound(commentId);
  d.events.flush();
  return comment;
}
