import type { GetVideosRequest, VideoList } from '#gen/surge/video/v1/video';
import type { VideoDeps } from '../deps.js';
import { checkIds } from '#kit/rules';

export const MAX_BATCH = 1000;

/** Videos in the order asked, missing ones left out: one cache round trip, one query for misses. */
export async function getVideos(d: VideoDeps, req: GetVideosRequest): Promise<VideoList> {
  const ids = checkIds('ids', req.ids, { max: MAX_BATCH, unique: true });
  if (ids.length === 0) return { videos: [] };
  return { videos: await d.videos.byIds(ids) };
}
