// Articles: anyone reads one, an author's list and search results (of articles or questions); a signed-in user publishes, and
// edits and deletes their own (the article service refuses another user's with 403).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors } from '#kit/errors';
import { callOptions } from '../../routes/users.js';
import { errorReplies } from '../../schemas/common.js';
import { sendJson } from '../../send-json.js';
import { articleReplyFrom, articleReplyHead } from '../article-json.js';
import type { CommunityDeps } from '../deps.js';
import { checkCoverUrl } from '../images.js';
import type { ShownArticle } from '../pages.js';
import { QuestionPage } from '../qa-schemas.js';
import { ArticlePage, ArticlePatch, ArticleReply, AuthorArticlesQuery, HotQuery, IdParams, NewArticle, PageQuery, SearchQuery } from '../schemas.js';
import { articlePage, articleReply, aroundArticles } from './article-pages.js';
import { questionPageShown } from './question-pages.js';

const tags = ['community'];
const security = [{ bearer: [] }];

export async function articleRoutes(fastify: FastifyInstance, d: CommunityDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { articles, users, questions } = d.clients;

  /** A published article as a signed-out reader sees it (drafts are nobody's here: undefined). */
  const shownToAnyone = async (id: number, request: FastifyRequest): Promise<ShownArticle | undefined> => {
    const [article] = (await articles.getArticles({ ids: [id] }, callOptions(request))).articles;
    if (!article) return undefined;
    const [people, states] = await aroundArticles(d.clients, [article], request, 0);
    const state = states.get(id)!;
    const head = articleReplyHead(article, people);
    return { article, people, state, head, bytes: articleReplyFrom(head, state) };
  };

  app.post('/articles', {
    schema: { tags, summary: 'Publish an article (Markdown body, optional cover and tags)', security, body: NewArticle, response: { 201: ArticleReply, ...errorReplies(400, 401) } },
    preHandler: app.authenticate,
    handler: async (request, reply) => {
      const b = request.body;
      const coverUrl = await checkCoverUrl(d.blob, b.cover_url ?? '');
      const article = await articles.createArticle({ authorId: request.userId, title: b.title, content: b.content, coverUrl, tags: b.tags ?? [], draft: b.draft }, callOptions(request));
      d.pages.changed(article.id);
      return sendJson(reply.code(201), await articleReply(d.clients, article, request));
    },
  });

  app.patch('/articles/:id', {
    schema: { tags, summary: 'Edit my article: the fields given change; tags given replace its tags', security, params: IdParams, body: ArticlePatch, response: { 200: ArticleReply, ...errorReplies(400, 401, 403, 404) } },
    preHandler: app.authenticate,
    handler: async (request, reply) => {
      const b = request.body;
      const coverUrl = b.cover_url === undefined ? undefined : await checkCoverUrl(d.blob, b.cover_url ?? '');
      const article = await articles.updateArticle(
        { id: request.params.id, authorId: request.userId, title: b.title, content: b.content, coverUrl, tags: b.tags ?? [], replaceTags: b.tags !== undefined, publish: b.publish },
        callOptions(request),
      );
      d.pages.changed(article.id);
      return sendJson(reply, await articleReply(d.clients, article, request));
    },
  });

  app.delete('/articles/:id', {
    schema: { tags, summary: 'Delete my article', security, params: IdParams, response: { 204: { type: 'null' }, ...errorReplies(400, 401, 403, 404) } },
    preHandler: app.authenticate,
    handler: async (request, reply) => {
      await articles.deleteArticle({ id: request.params.id, authorId: request.userId }, callOptions(request));
      d.pages.changed(request.params.id);
      return reply.code(204).send(null);
    },
  });

  app.get('/me/drafts', {
    schema: { tags, summary: 'My drafts, newest first', security, querystring: PageQuery, response: { 200: ArticlePage, ...errorReplies(400, 401) } },
    preHandler: app.authenticate,
    handler: async (request, reply) => {
      const q = request.query;
      return sendJson(reply, await articlePage(d.clients, await articles.listDrafts({ authorId: request.userId, cursor: q.cursor ?? '', limit: q.limit ?? 0 }, callOptions(request)), request));
    },
  });

  app.get('/articles/hot', {
    schema: { tags, summary: 'Articles hottest first: likes, comments and views, decaying with age', security: [{ bearer: [] }, {}], querystring: HotQuery, response: { 200: ArticlePage, ...errorReplies(400, 401) } },
    preHandler: app.identify,
    handler: async (request, reply) => {
      const q = request.query;
      return sendJson(reply, await articlePage(d.clients, await articles.listHot({ cursor: q.cursor ?? '', limit: q.limit ?? 0 }, callOptions(request)), request));
    },
  });

  app.get('/articles/:id', {
    schema: { tags, summary: 'One article with its author and counts', security: [{ bearer: [] }, {}], params: IdParams, response: { 200: ArticleReply, ...errorReplies(400, 401, 404) } },
    // Signed in or not: `liked` is the caller's.
    preHandler: app.identify,
    handler: async (request, reply) => {
      const id = request.params.id;
      const shown = d.pages.keptDetail(id) ?? (await d.pages.detail(id, () => shownToAnyone(id, request)));
      if (shown === undefined) {
        // Not published: a draft is found only for its author (the service answers none to anyone else).
        if (request.userId === 0) throw errors.notFound('article');
        const [draft] = (await articles.getArticles({ ids: [id], countViews: true, viewerId: request.userId }, callOptions(request))).articles;
        if (!draft) throw errors.notFound('article');
        return sendJson(reply, await articleReply(d.clients, draft, request));
      }
      d.views.record(id);
      if (request.userId === 0) return sendJson(reply, shown.bytes);
      // Signed in: the kept article and author, with counts and the like flag read now.
      const state = await d.states.of('article', request.userId, id);
      if (state.likeCount !== shown.state.likeCount || state.commentCount !== shown.state.commentCount) {
        const anonymous = { likeCount: state.likeCount, commentCount: state.commentCount, liked: false };
        d.pages.fresher(id, shown, { ...shown, state: anonymous, bytes: articleReplyFrom(shown.head, anonymous) });
      }
      return sendJson(reply, articleReplyFrom(shown.head, state));
    },
  });

  app.get('/users/:id/articles', {
    schema: { tags, summary: "A user's articles, newest first or by likes", security: [{ bearer: [] }, {}], params: IdParams, querystring: AuthorArticlesQuery, response: { 200: ArticlePage, ...errorReplies(400, 401) } },
    preHandler: app.identify,
    handler: async (request, reply) => {
      const q = request.query;
      const query = { authorId: request.params.id, sort: q.sort ?? 'newest', cursor: q.cursor ?? '', limit: q.limit ?? 0 };
      const build = async () => articlePage(d.clients, await articles.listByAuthor(query, callOptions(request)), request);
      // Signed out, every reader sees the same page: kept for the interval. Signed in, it carries the reader's like flags.
      if (request.userId !== 0) return sendJson(reply, await build());
      return sendJson(reply, await d.pages.list(`${query.authorId}:${query.sort}:${query.limit}:${query.cursor}`, build));
    },
  });

  app.get('/search', {
    schema: {
      tags,
      summary: 'Articles or questions matching every word of q (Chinese and Latin text), best match first',
      security: [{ bearer: [] }, {}],
      querystring: SearchQuery,
      response: { 200: Type.Union([ArticlePage, QuestionPage]), ...errorReplies(400, 401) },
    },
    preHandler: app.identify,
    handler: async (request, reply) => {
      const q = request.query;
      const query = { q: q.q, cursor: q.cursor ?? '', limit: q.limit ?? 0 };
      if (q.type === 'questions') return questionPageShown(users, await questions.search(query, callOptions(request)), request);
      return sendJson(reply, await articlePage(d.clients, await articles.search(query, callOptions(request)), request));
    },
  });
}
