import type { Comment, CommentList, ListCommentsRequest } from '#gen/surge/interaction/v1/interaction';
import type { InteractionDeps } from '../deps.js';
import type { StoredComment } from '../model/comments.js';
import { checkId, checkLimit } from '../rules.js';

/** A comment on a video as the Douyin contract shows it. */
export const videoComment = (c: StoredComment): Comment => ({ id: c.id, userId: c.userId, videoId: c.targetId, content: c.content, createdAt: c.createdAt });

/** A video's comments, newest first; served from the per-video cached list. */
export async function listComments(d: InteractionDeps, req: ListCommentsRequest): Promise<CommentList> {
  const videoId = checkId('video_id', req.videoId);
  return { comments: (await d.comments.newestOfVideo(videoId, checkLimit(req.limit))).map(videoComment) };
}
