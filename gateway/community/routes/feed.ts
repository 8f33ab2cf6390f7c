// The following feed: a signed-in user reads the newest articles of the authors they follow,
// page by page, each page kept for community.pageCacheMs (pages.ts: a reader refreshing their
// feed builds it once per interval; their own likes and follows drop it). The feed service answers ids in order (pushed and pulled articles merged); the
// articles come in one batch from the article service and are shown as an author's list shows
// them: authors, counts and the caller's like flags, one batch call each. An article deleted
// since the feed was written is left out, so a page may hold fewer than limit; the cursor still
// moves on.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { callOptions } from '../../routes/users.js';
import { errorReplies } from '../../schemas/common.js';
import { sendJson } from '../../send-json.js';
import type { CommunityDeps } from '../deps.js';
import { FeedQuery } from '../feed-schemas.js';
import { ArticlePage } from '../schemas.js';
import { articlePage } from './article-pages.js';

const tags = ['community'];
const security = [{ bearer: [] }];

export async function feedRoutes(fastify: FastifyInstance, d: CommunityDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { articles, feed } = d.clients;

  app.get('/feed', {
    schema: {
      tags,
      summary: 'The newest articles of the authors I follow, newest first',
      security,
      querystring: FeedQuery,
      response: { 200: ArticlePage, ...errorReplies(400, 401) },
    },
    preHandler: app.authenticate,
    handler: async (request, reply) => {
      const q = request.query;
      // The reader is the token's user, always: no user id is read from the request.
      const query = { userId: request.userId, cursor: q.cursor ?? '', limit: q.limit ?? 0 };
      const build = async () => {
        const page = await feed.feed(query, callOptions(request));
        const ids = page.items.map((item) => item.articleId);
        const found = ids.length === 0 ? [] : (await articles.getArticles({ ids }, callOptions(request))).articles;
        return articlePage(d.clients, { articles: found, nextCursor: page.nextCursor, isEnd: page.isEnd }, request);
      };
      return sendJson(reply, await d.pages.feed(query.userId, `${query.limit}:${query.cursor}`, build));
    },
  });
}
