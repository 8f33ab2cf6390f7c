import type { CommentList, ListCommentsRequest } from '#gen/surge/interaction/v1/interaction';
import type { InteractionDeps } from '../deps.js';
import { checkId, checkLimit } from '../rules.js';

/** A video's comments, newest first; served from the per-video cached list. */
export async function listComments(d: InteractionDeps, req: ListCommentsRequest): Promise<CommentList> {
  const videoId = checkId('video_id', req.videoId);
  return { comments: await d.comments.newest(videoId, checkLimit(req.limit)) };
}
