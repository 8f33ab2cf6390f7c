import type { CallContext } from '#kit/rpc';
import { Code, SurgeError } from '#kit/errors';
import type { AddCommentRequest, TargetComment } from '#gen/surge/interaction/v1/interaction';
import type { InteractionDeps } from '../deps.js';
import { COMMENTED, TARGET_COMMENTED } from '../events.js';
import type { StoredComment } from '../model/comments.js';
import { checkBiz, checkContent, checkId, type Biz } from '../rules.js';

export interface NewComment {
  userId: number;
  biz: Biz;
  targetId: number;
  content: string;
  /** 0, or the comment answered: a top-level one or a reply under it, on the same target. */
  replyTo: number;
}

/** The contract's comment, without the owner kept for permission checks. */
export const publicComment = ({ ownerId: _owner, ...c }: StoredComment): TargetComment => c;

/**
 * Stores a comment (trimmed, configured words masked) and its events in one transaction, on a
 * target that exists (NotFound naming `field`). A reply goes under the thread of the comment it
 * answers and names that comment's author; a comment on another target is not one to answer
 * (NotFound naming reply_to). A video's comment also publishes the Douyin topic.
 */
export async function storeComment(d: InteractionDeps, c: NewComment, ctx: CallContext, field = 'target_id'): Promise<StoredComment> {
  const content = d.words.mask(checkContent(c.content));
  const ownerId = await d.targets.ownerOf(c.biz, c.targetId, ctx, field);
  let rootId = 0;
  let replyToUserId = 0;
  if (c.replyTo !== 0) {
    const answered = await d.comments.find(c.replyTo);
    if (!answered || answered.biz !== c.biz || answered.targetId !== c.targetId) {
      throw new SurgeError(Code.NotFound, 'reply_to: no comment with this id on this target', { details: { field: 'reply_to' } });
    }
    rootId = answered.rootId === 0 ? answered.id : answered.rootId;
    replyToUserId = answered.userId;
  }
  const comment: StoredComment = { id: d.ids.next(), biz: c.biz, targetId: c.targetId, userId: c.userId, content, ownerId, rootId, replyToUserId, replyCount: 0, createdAt: d.clock.now() };
  await d.comments.add(comment, async (trx) => {
    await d.events.add(trx, TARGET_COMMENTED, { biz: c.biz, targetId: c.targetId, ownerId, commentId: comment.id, userId: c.userId, rootId, replyToUserId, delta: 1 });
    if (c.biz === 'video') await d.events.add(trx, COMMENTED, { videoId: c.targetId, delta: 1 });
  });
  d.events.flush();
  return comment;
}

export async function addComment(d: InteractionDeps, req: AddCommentRequest, ctx: CallContext): Promise<TargetComment> {
  const replyTo = req.replyTo === 0 ? 0 : checkId('reply_to', req.replyTo);
  const c = { userId: checkId('user_id', req.userId), biz: checkBiz(req.biz), targetId: checkId('target_id', req.targetId), content: req.content, replyTo };
  return publicComment(await storeComment(d, c, ctx));
}
