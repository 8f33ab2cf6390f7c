import type { CallContext } from '#kit/rpc';
import type { Comment, DeleteCommentRequest } from '#gen/surge/interaction/v1/interaction';
import { Code, SurgeError } from '#kit/errors';
import type { InteractionDeps } from '../deps.js';
import { checkId } from '../rules.js';
import { videoComment } from './list-comments.js';
import { commentNotFound, deleteStored, withOwner } from './remove-comment.js';

/**
 * The Douyin delete: its author deletes a comment; returns it as it was. A comment on another
 * video than the one named, or on no video, is not found there (checked before the author, so a
 * stranger learns nothing).
 */
export async function deleteComment(d: InteractionDeps, req: DeleteCommentRequest, ctx: CallContext): Promise<Comment> {
  const userId = checkId('user_id', req.userId);
  const commentId = checkId('comment_id', req.commentId);
  if (req.videoId !== 0) checkId('video_id', req.videoId);
  const comment = await d.comments.find(commentId);
  if (!comment || comment.biz !== 'video' || (req.videoId !== 0 && comment.targetId !== req.videoId)) throw commentNotFound(commentId);
  if (comment.userId !== userId) throw new SurgeError(Code.PermissionDenied, 'only the author of a comment can delete it');
  await deleteStored(d, await withOwner(d, comment, ctx));
  return videoComment(comment);
}
