// The feed, publishing, and an author's works.
import { randomUUID } from 'node:crypto';
import { errors } from '#kit/errors';
import type { DouyinDeps, DouyinRoute } from '../deps.js';
import { viewer } from '../http/index.js';
import { packVideos } from '../views.js';
import { userOrFail, viewContext } from './context.js';

/** Videos per feed page, as the client expects. */
export const FEED_PAGE = 30;

export function videoRoutes(d: DouyinDeps): DouyinRoute[] {
  const { videos } = d.clients;
  return [
    {
      url: '/douyin/feed/',
      empty: { video_list: [], next_time: 0 },
      async handler(p, request) {
        // Anonymous when the token is missing, invalid or expired: the feed is public.
        const v = viewContext(d, request, viewer(p, d.tokens, { required: false }));
        const page = await videos.feed({ before: p.time('latest_time') ?? 0, limit: FEED_PAGE }, v.call);
        return { video_list: await packVideos(d.clients, v, page.videos), next_time: page.nextTime };
      },
    },
    {
      url: '/douyin/publish/action/',
      empty: {},
      upload: true,
      async handler(p, request) {
        const me = viewer(p, d.tokens, { required: true });
        const file = p.upload;
        if (!file) throw errors.invalid('data', 'is required: the video file as a multipart file field');
        try {
          await videos.publish({ authorId: me, title: p.text('title', { max: 100 }), playKey: file.key, contentType: file.contentType }, viewContext(d, request, me).call);
        } catch (err) {
          // Nothing published: the stored bytes would be an orphan.
          await d.blob.delete(file.key).catch(() => undefined);
          throw err;
        }
        return {};
      },
    },
    {
      url: '/douyin/publish/list/',
      empty: { video_list: [] },
      async handler(p, request) {
        const me = viewer(p, d.tokens, { required: true });
        const author = p.optionalId('user_id') ?? me;
        const v = viewContext(d, request, me);
        const [{ videos: list }] = await Promise.all([videos.listByAuthor({ authorId: author, limit: 0 }, v.call), author === me ? undefined : userOrFail(d, v, author, 'user_id')]);
        return { video_list: await packVideos(d.clients, v, list) };
      },
    },
  ];
}

/** Where an upload goes in the blob store: a fresh key per upload, the extension kept for players. */
export function uploadKey(filename: string): string {
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(filename)?.[1]?.toLowerCase() ?? 'mp4';
  return `videos/${randomUUID()}.${ext}`;
}
