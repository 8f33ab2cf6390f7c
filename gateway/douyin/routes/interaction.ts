// Likes and comments. The interaction service checks the video exists (and learns its author,
// whose received likes are counted) by asking the video service; the routes only read and pack.
import type { DouyinDeps, DouyinRoute } from '../deps.js';
import { OK_LIST, viewer } from '../http/index.js';
import { JsonBytes, writeVideos, type FragmentCache } from '../encode.js';
import { dateFormatter, loadVideoParts, packComments } from '../views.js';
import { ownersList, videoOrFail, viewContext } from './context.js';

export function interactionRoutes(d: DouyinDeps, fragments: FragmentCache): DouyinRoute[] {
  const { interactions, videos } = d.clients;
  const date = dateFormatter(d.settings.timeZone);
  return [
    {
      url: '/douyin/favorite/action/',
      empty: {},
      async handler(p, request) {
        const me = await viewer(p, d.callers, { required: true });
        const videoId = p.id('video_id');
        const like = p.oneOf('action_type', [1, 2]) === 1;
        const v = viewContext(d, request, me);
        await interactions.favorite({ userId: me, videoId, like }, v.call);
        return {};
      },
    },
    {
      url: '/douyin/favorite/list/',
      empty: { video_list: [] },
      async handler(p, request) {
        const { v, list: { videoIds } } = await ownersList(d, p, request, (owner, v) => interactions.listFavorites({ userId: owner, limit: 0 }, v.call));
        if (videoIds.length === 0) return { video_list: [] };
        const { videos: list } = await videos.getVideos({ ids: videoIds }, v.call);
        return writeVideos(new JsonBytes().ascii(OK_LIST), fragments, await loadVideoParts(d.clients, v, list), v.urlOf, v.urlBase()).ascii('}').finish();
      },
    },
    {
      url: '/douyin/comment/action/',
      empty: { comment: null },
      async handler(p, request) {
        const me = await viewer(p, d.callers, { required: true });
        const videoId = p.id('video_id');
        const post = p.oneOf('action_type', [1, 2]) === 1;
        const v = viewContext(d, request, me);
        if (post) {
          const content = p.text('comment_text', { max: 1000, multiline: true });
          const c = await interactions.postComment({ userId: me, videoId, content }, v.call);
          return { comment: (await packComments(d.clients, v, [c], date))[0] };
        }
        const commentId = p.id('comment_id');
        const c = await interactions.deleteComment({ userId: me, commentId, videoId }, v.call);
        return { comment: (await packComments(d.clients, v, [c], date))[0] };
      },
    },
    {
      url: '/douyin/comment/list/',
      empty: { comment_list: [] },
      async handler(p, request) {
        const v = viewContext(d, request, await viewer(p, d.callers, { required: false }));
        const videoId = p.id('video_id');
        const [{ comments }] = await Promise.all([interactions.listComments({ videoId, limit: 0 }, v.call), videoOrFail(d, v, videoId)]);
        return { comment_list: await packComments(d.clients, v, comments, date) };
      },
    },
  ];
}
