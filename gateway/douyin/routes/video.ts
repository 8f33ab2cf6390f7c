// The feed, publishing, and an author's works.
import { randomUUID } from 'node:crypto';
import { SNIFF_BYTES, sniffVideo } from '#kit/media';
import type { DouyinDeps, DouyinRoute } from '../deps.js';
import { OK_LIST, viewer, type FileCheck } from '../http/index.js';
import { FlaggedReply, JsonBytes, writeVideos, type FragmentCache } from '../encode.js';
import { createNewestFeedPage, type FeedPage } from '../feed-page.js';
import { loadProfiles, loadVideoParts, viewerFlags, type ViewContext } from '../views.js';
import { ownersList, viewContext } from './context.js';

/** Videos per feed page, as the client expects. */
export const FEED_PAGE = 30;

export function videoRoutes(d: DouyinDeps, fragments: FragmentCache): DouyinRoute[] {
  const { videos } = d.clients;
  const newest = createNewestFeedPage({ ttlMs: d.settings.feedCacheMs });
  // Each page's reply bytes, built once per blob URL base (one, unless clients reach the gateway by several names).
  const replies = new WeakMap<FeedPage, Map<string, FlaggedReply>>();
  const replyOf = (page: FeedPage, v: ViewContext): FlaggedReply => {
    const base = v.urlBase();
    let byBase = replies.get(page);
    if (!byBase) replies.set(page, (byBase = new Map()));
    let reply = byBase.get(base);
    if (!reply) byBase.set(base, (reply = FlaggedReply.build(OK_LIST, page.videos, page.authors, `,"next_time":${page.nextTime}}`, fragments, v.urlOf, base)));
    return reply;
  };
  return [
    {
      url: '/douyin/feed/',
      empty: { video_list: [], next_time: 0 },
      async handler(p, request) {
        // Anonymous when the token is missing, invalid or expired: the feed is public.
        const v = viewContext(d, request, await viewer(p, d.callers, { required: false }));
        // The newest page and its reply bytes are shared (feed-page.ts); the flags are the viewer's own, read per request.
        const page = await newest.get(p.time('latest_time') ?? 0, async (before) => {
          const { videos: list, nextTime } = await videos.feed({ before, limit: FEED_PAGE }, v.call);
          const authors = await loadProfiles(d.clients, v.call, list.map((x) => x.authorId));
          return { videos: list, nextTime, authors, authorIds: [...authors.keys()] };
        });
        const flags = await viewerFlags(d.clients, v, page.videos, page.authorIds);
        return replyOf(page, v).render(flags);
      },
    },
    {
      url: '/douyin/publish/action/',
      empty: {},
      upload: { check: VIDEO_FILE },
      async handler(p, request) {
        // The plugin checked this token before the file was read; the same token wins here.
        const me = await viewer(p, d.callers, { required: true });
        // The plugin refuses a request without the file, and discards the stored file when this fails.
        const file = p.upload!;
        await videos.publish({ authorId: me, title: p.text('title', { max: 100 }), playKey: file.key, contentType: file.contentType }, viewContext(d, request, me).call);
        newest.changed();
        return {};
      },
    },
    {
      url: '/douyin/publish/list/',
      empty: { video_list: [] },
      async handler(p, request) {
        const { v, list: { videos: list } } = await ownersList(d, p, request, (author, v) => videos.listByAuthor({ authorId: author, limit: 0 }, v.call));
        return writeVideos(new JsonBytes().ascii(OK_LIST), fragments, await loadVideoParts(d.clients, v, list), v.urlOf, v.urlBase()).ascii('}').finish();
      },
    },
  ];
}

/**
 * An upload is a video when its first bytes begin a container a video may be (see
 * #kit/media): a playlist, an image or a text file is refused before any of it is stored.
 */
export const VIDEO_FILE: FileCheck = {
  headBytes: SNIFF_BYTES,
  check: (head) => (sniffVideo(head) === undefined ? 'is not a video (send an MP4, MOV, 3GP, WebM, MKV, AVI, FLV or MPEG-TS file)' : undefined),
};

const extensionOf = (filename: string) => /\.([A-Za-z0-9]{1,8})$/.exec(filename)?.[1]?.toLowerCase();

/** Where an upload goes in the blob store: a fresh key per upload, the extension kept for players. */
export function uploadKey(filename: string): string {
  return `videos/${randomUUID()}.${extensionOf(filename) ?? 'mp4'}`;
}

const VIDEO_TYPES: Record<string, string> = { mp4: 'video/mp4', m4v: 'video/mp4', mov: 'video/quicktime', webm: 'video/webm', mkv: 'video/x-matroska', avi: 'video/x-msvideo', '3gp': 'video/3gpp', flv: 'video/x-flv', ts: 'video/mp2t' };

/**
 * The type players are told. Clients often send none (multipart then says text/plain) or a
 * generic one: the file name's extension decides, and an unknown one is served as MP4, the
 * format the client records.
 */
export function uploadType(mimeType: string, filename: string): string {
  if (mimeType.startsWith('video/')) return mimeType;
  return VIDEO_TYPES[extensionOf(filename) ?? ''] ?? 'video/mp4';
}
