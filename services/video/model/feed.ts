// The feed over its index: pages come from the index while it can answer them (no database
// query; rows from the row cache), and from one database query when it cannot.
//
// The index holds the newest `capacity` videos, so a page is exact when it is full (every
// video after the oldest one held is in the index), or when the index holds fewer than
// `capacity` (it was never trimmed, so it holds everything). Otherwise the page reaches past
// what the index holds and the database answers. A cold index (never filled, or wiped) is
// filled from the database once, shared by concurrent readers.
import type { Logger } from 'pino';
import { Code, SurgeError } from '#kit/errors';
import type { Video } from '#gen/surge/video/v1/video';
import type { FeedEntry, FeedIndex, FeedSlice } from './feed-index.js';
import type { VideoModel } from './videos.js';

export interface FeedPage {
  videos: Video[];
  /** published_at of the oldest video returned; undefined for an empty page. */
  oldest: number | undefined;
}

export interface FeedModel {
  /** Adds a just-published video; if the index cannot take it, the next read refills the index. */
  add(entry: FeedEntry): Promise<void>;
  /** Videos published strictly before `before` (Infinity: the newest), newest first, at most `limit`. */
  page(before: number, limit: number): Promise<FeedPage>;
}

export function createFeedModel(o: { index: FeedIndex; videos: VideoModel; log: Logger }): FeedModel {
  const { index, videos, log } = o;
  // An add failed, so the index may miss a video: refill it before trusting it again.
  let stale = false;
  let filling: Promise<boolean> | undefined;
  let down = false;

  /** The index's answer, or undefined while it is unavailable (the database answers instead). */
  const fromIndexOrNothing = async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      const result = await fn();
      if (down) log.info('feed index answers again');
      down = false;
      return result;
    } catch (err) {
      // The index is a copy of the database: while it cannot answer, the database does (one
      // query per page). Anything other than an unreachable dependency is a bug: rethrow.
      if (!(err instanceof SurgeError && err.code === Code.Unavailable)) throw err;
      if (!down) log.warn({ err }, 'feed index unavailable; serving the feed from the database');
      down = true;
      return undefined;
    }
  };

  /** Fills the index with the newest videos, once for all concurrent callers; false if the index could not take them. */
  const fill = (): Promise<boolean> =>
    (filling ??= (async () => {
      // Cleared first: an add failing while the fill runs sets it again.
      const wasStale = stale;
      stale = false;
      try {
        const newest = await videos.newest(index.capacity);
        const done = (await fromIndexOrNothing(() => index.add(newest, { built: true }).then(() => true))) === true;
        if (!done) stale ||= wasStale;
        return done;
      } catch (err) {
        stale ||= wasStale;
        throw err;
      } finally {
        filling = undefined;
      }
    })());

  /** The slice to answer from, or undefined when the database must answer. */
  const fromIndex = async (before: number, limit: number): Promise<FeedSlice | undefined> => {
    let slice = await fromIndexOrNothing(() => index.before(before, limit));
    if (slice && (!slice.built || stale)) {
      slice = (await fill()) ? await fromIndexOrNothing(() => index.before(before, limit)) : undefined;
    }
    if (!slice) return undefined;
    return slice.entries.length === limit || slice.size < index.capacity ? slice : undefined;
  };

  return {
    async add(entry) {
      try {
        await index.add([entry]);
      } catch (err) {
        stale = true;
        log.warn({ err, videoId: entry.id }, 'feed index missed a published video; it is refilled on the next feed read');
      }
    },

    async page(before, limit) {
      const slice = await fromIndex(before, limit);
      if (slice) {
        const rows = await videos.byIds(slice.entries.map((e) => e.id));
        return { videos: rows, oldest: slice.entries.at(-1)?.publishedAt };
      }
      const rows = await videos.pageBefore(before, limit);
      return { videos: rows, oldest: rows.at(-1)?.publishedAt };
    },
  };
}
