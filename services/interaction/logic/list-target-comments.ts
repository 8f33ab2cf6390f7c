import { cursorCodec } from '#kit/paging';
import type { ListTargetCommentsRequest, TargetCommentPage } from '#gen/surge/interaction/v1/interaction';
import type { InteractionDeps } from '../deps.js';
import { checkBiz, checkId, checkPageLimit } from '../rules.js';
import { publicComment } from './add-comment.js';

// One cursor kind per order, so a thread's cursor given for the top level is refused, not misread.
const cursors = cursorCodec({ comments: 1, replies: 1 });

/** A target's top-level comments newest first, or (root_id set) a thread's replies oldest first, a keyset page at a time. */
export async function listTargetComments(d: InteractionDeps, req: ListTargetCommentsRequest): Promise<TargetCommentPage> {
  const biz = checkBiz(req.biz);
  const targetId = checkId('target_id', req.targetId);
  const rootId = req.rootId === 0 ? 0 : checkId('root_id', req.rootId);
  const kind = rootId === 0 ? 'comments' : 'replies';
  const from = cursors.decode(req.cursor, [kind]);
  const limit = checkPageLimit(req.limit);
  const page = await d.comments.page(biz, targetId, rootId, from && { createdAt: from.keys[0]!, id: from.id }, limit);
  const last = page.comments.at(-1);
  return {
    comments: page.comments.map(publicComment),
    nextCursor: page.isEnd || !last ? '' : cursors.encode({ kind, keys: [last.createdAt], id: last.id }),
    isEnd: page.isEnd,
  };
}
