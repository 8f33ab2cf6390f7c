import type { ListByAuthorRequest, VideoList } from '#gen/surge/video/v1/video';
import type { VideoDeps } from '../deps.js';
import { checkId, checkLimit } from '../rules.js';

export const MAX_BY_AUTHOR = 1000;

/** An author's videos, newest first: ids from one query, rows from the row cache. */
export async function listByAuthor(d: VideoDeps, req: ListByAuthorRequest): Promise<VideoList> {
  const authorId = checkId('author_id', req.authorId);
  const limit = checkLimit(req.limit, MAX_BY_AUTHOR, MAX_BY_AUTHOR);
  const ids = await d.videos.idsByAuthor(authorId, limit);
  return { videos: ids.length === 0 ? [] : await d.videos.byIds(ids) };
}
