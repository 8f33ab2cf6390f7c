import { Code, SurgeError } from '#kit/errors';
import type { PublishRequest, Video } from '#gen/surge/video/v1/video';
import type { VideoDeps } from '../deps.js';
import { VIDEO_PUBLISHED } from '../events.js';
import { checkId, checkPlayKey, checkTitle } from '../rules.js';

/**
 * Tries at distinct stamps before giving up. Collisions need other instances publishing in the
 * same ms; each try moves past the stamp found taken, so a handful is plenty and 100 only ever
 * runs out under a flood.
 */
const MAX_STAMP_TRIES = 100;

/** Stores the cover, then the video and its video.published event in one transaction; then the feed. */
export async function publish(d: VideoDeps, req: PublishRequest): Promise<Video> {
  const authorId = checkId('author_id', req.authorId);
  const title = checkTitle(req.title);
  const playKey = checkPlayKey(req.playKey);
  const id = d.ids.next();
  const coverKey = await d.covers.make(id, playKey, title);

  let publishedAt: number | undefined;
  try {
    for (let i = 0; i < MAX_STAMP_TRIES && publishedAt === undefined; i++) {
      const at = d.stamps.next();
      const row = { id, author_id: authorId, title, play_key: playKey, cover_key: coverKey, published_at: at };
      const res = await d.videos.insert(row, (trx) => d.outbox.add(trx, VIDEO_PUBLISHED, { videoId: id, authorId }));
      if (res === 'ok') publishedAt = at;
      else d.stamps.taken(at);
    }
  } catch (err) {
    await d.covers.discard(coverKey);
    throw err;
  }
  if (publishedAt === undefined) {
    await d.covers.discard(coverKey);
    throw new SurgeError(Code.Overloaded, 'too many videos are being published at this moment; try again');
  }

  d.outbox.flush();
  await d.feed.add({ id, publishedAt });
  return { id, authorId, title, playKey, coverKey, publishedAt, favoriteCount: 0, commentCount: 0 };
}
