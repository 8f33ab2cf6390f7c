import type { CallContext } from '#kit/rpc';
import { Code, SurgeError } from '#kit/errors';
import type { RemoveCommentRequest, TargetComment } from '#gen/surge/interaction/v1/interaction';
import type { InteractionDeps } from '../deps.js';
import { COMMENTED, TARGET_COMMENTED } from '../events.js';
import type { StoredComment } from '../model/comments.js';
import { checkBiz, checkId } from '../rules.js';
import { publicComment } from './add-comment.js';

export const commentNotFound = (commentId: number) => new SurgeError(Code.NotFound, `comment_id: comment ${commentId} not found`, { details: { field: 'comment_id' } });

/**
 * Deletes a stored comment (and, top-level, its replies) with its events in one transaction;
 * NotFound when a concurrent removal won since it was read. A video's comment also publishes the
 * Douyin topic, -1 per comment gone.
 */
export async function deleteStored(d: InteractionDeps, c: StoredComment): Promise<void> {
  const removed = await d.comments.remove(c, async (trx, replies) => {
    const ownerId = c.ownerId;
    await d.events.add(trx, TARGET_COMMENTED, { biz: c.biz, targetId: c.targetId, ownerId, commentId: c.id, userId: c.userId, rootId: c.rootId, replyToUserId: c.replyToUserId, delta: -1 - replies });
    if (c.biz === 'video') for (let i = 0; i <= replies; i++) await d.events.add(trx, COMMENTED, { videoId: c.targetId, delta: -1 });
  });
  if (!removed) throw commentNotFound(c.id);
  d.events.flush();
}

/** The target's owner as the comment recorded it; comments from before owners were kept ask the owning service. */
export async function withOwner(d: InteractionDeps, c: StoredComment, ctx: CallContext): Promise<StoredComment> {
  if (c.ownerId !== 0) return c;
  return { ...c, ownerId: await d.targets.ownerOf(checkBiz(c.biz), c.targetId, ctx) };
}

/** Its author or the target's owner removes a comment; anyone else is refused, after NotFound for a comment not there. */
export async function removeComment(d: InteractionDeps, req: RemoveCommentRequest, ctx: CallContext): Promise<TargetComment> {
  const userId = checkId('user_id', req.userId);
  const commentId = checkId('comment_id', req.commentId);
  const found = await d.comments.find(commentId);
  if (!found) throw commentNotFound(commentId);
  const comment = await withOwner(d, found, ctx);
  if (userId !== comment.userId && userId !== comment.ownerId) {
    throw new SurgeError(Code.PermissionDenied, "user_id: only the comment's author or the owner of what it is on can remove it", { details: { field: 'user_id' } });
  }
  await deleteStored(d, comment);
  return publicComment(comment);
}
