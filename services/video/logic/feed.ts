import type { FeedReply, FeedRequest } from '#gen/surge/video/v1/video';
import type { VideoDeps } from '../deps.js';
import { checkBefore, checkLimit } from '../rules.js';

export const FEED_PAGE = 30;

/**
 * Videos published strictly before `before`, newest first. 0 asks for the newest, including any
 * stamped a few ms ahead of the clock by publishes in the same ms, so a video shows as soon
 * as it is published.
 */
export async function feed(d: VideoDeps, req: FeedRequest): Promise<FeedReply> {
  const before = checkBefore(req.before);
  const limit = checkLimit(req.limit, FEED_PAGE, FEED_PAGE);
  const page = await d.feed.page(before === 0 ? Infinity : before, limit);
  return { videos: page.videos, nextTime: page.oldest ?? (before === 0 ? d.clock.now() : before) };
}
