import { errors } from '#kit/errors';
import type { GetVideosRequest, VideoList } from '#gen/surge/video/v1/video';
import type { VideoDeps } from '../deps.js';
import { checkId } from '../rules.js';

export const MAX_BATCH = 1000;

/** Videos in the order asked, missing ones left out: one cache round trip, one query for misses. */
export async function getVideos(d: VideoDeps, req: GetVideosRequest): Promise<VideoList> {
  if (req.ids.length > MAX_BATCH) throw errors.invalid('ids', `at most ${MAX_BATCH} ids per call`);
  const ids = [...new Set(req.ids.map((id) => checkId('ids', id)))];
  if (ids.length === 0) return { videos: [] };
  return { videos: await d.videos.byIds(ids) };
}
