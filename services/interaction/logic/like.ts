import type { CallContext } from '#kit/rpc';
import type { LikeReply, LikeRequest } from '#gen/surge/interaction/v1/interaction';
import type { InteractionDeps } from '../deps.js';
import { FAVORITED, TARGET_LIKED } from '../events.js';
import type { Tx } from '../model/tx.js';
import { checkBiz, checkId, type Biz } from '../rules.js';

export interface LikeChange {
  userId: number;
  biz: Biz;
  targetId: number;
  like: boolean;
}

/**
 * Like or unlike any target: the row and its events commit together, and only a change records
 * them (a second like, or an unlike of a target not liked, changes nothing). The target must
 * exist, liked or unliked (NotFound naming `field`); its owner is the owning service's answer, and
 * an unlike takes the owner kept on the deleted row. A video's like also publishes the Douyin
 * topic its counters have always read. The count answered is the stored one, read in the same
 * transaction, plus this change; `counted` false (the Douyin like, which shows no count) skips it.
 */
export async function setLike(d: InteractionDeps, c: LikeChange, ctx: CallContext, field = 'target_id', counted = true): Promise<LikeReply> {
  const owner = await d.targets.ownerOf(c.biz, c.targetId, ctx, field);
  let stored = -1;
  const record = async (trx: Tx, ownerId: number, delta: 1 | -1) => {
    await d.events.add(trx, TARGET_LIKED, { userId: c.userId, biz: c.biz, targetId: c.targetId, ownerId, delta });
    if (c.biz === 'video') await d.events.add(trx, FAVORITED, { userId: c.userId, videoId: c.targetId, authorId: ownerId, delta });
    if (counted) stored = await d.counts.likesIn(trx, c.biz, c.targetId);
  };
  const changed = c.like
    ? await d.likes.add({ userId: c.userId, biz: c.biz, targetId: c.targetId, ownerId: owner, createdAt: d.clock.now() }, (trx) => record(trx, owner, 1))
    : await d.likes.remove(c.userId, c.biz, c.targetId, (trx, ownerId) => record(trx, ownerId, -1));
  if (changed) {
    d.events.flush();
    return { changed, liked: c.like, likeCount: Math.max(0, stored + (c.like ? 1 : -1)) };
  }
  if (!counted) return { changed, liked: c.like, likeCount: 0 };
  const [counts] = await d.counts.get(c.biz, [c.targetId]);
  return { changed, liked: c.like, likeCount: counts!.likeCount };
}

export function like(d: InteractionDeps, req: LikeRequest, ctx: CallContext): Promise<LikeReply> {
  const change = { userId: checkId('user_id', req.userId), biz: checkBiz(req.biz), targetId: checkId('target_id', req.targetId), like: req.like };
  return setLike(d, change, ctx);
}
