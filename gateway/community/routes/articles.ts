// Articles: anyone reads one, an author's list and search results (of articles or questions); a signed-in user publishes, and
// edits and deletes their own (the article service refuses another user's with 403).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors } from '#kit/errors';
import type { Article, ArticlePage as Page } from '#gen/surge/article/v1/article';
import { callOptions } from '../../routes/users.js';
import { errorReplies } from '../../schemas/common.js';
import type { CommunityDeps } from '../deps.js';
import { checkCoverUrl } from '../images.js';
import { QuestionPage } from '../qa-schemas.js';
import { ArticlePage, ArticlePatch, ArticleReply, AuthorArticlesQuery, HotQuery, IdParams, NewArticle, PageQuery, SearchQuery } from '../schemas.js';
import { articleView } from '../views.js';
import { aroundArticles, articleSummaries } from './article-pages.js';
import { questionPageShown } from './question-pages.js';

const tags = ['community'];
const security = [{ bearer: [] }];

export async function articleRoutes(fastify: FastifyInstance, d: CommunityDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { articles, users, questions } = d.clients;

  /** One article with its author, counts and like flag. */
  const shown = async (article: Article, request: FastifyRequest) => {
    const [authors, states] = await aroundArticles(d.clients, [article], request);
    return { article: articleView(article, authors, states.get(article.id)) };
  };

  /** A page of articles, likewise. */
  const pageShown = async (page: Page, request: FastifyRequest) => ({ articles: await articleSummaries(d.clients, page.articles, request), next_cursor: page.nextCursor, is_end: page.isEnd });

  app.post('/articles', {
    schema: { tags, summary: 'Publish an article (Markdown body, optional cover and tags)', security, body: NewArticle, response: { 201: ArticleReply, ...errorReplies(400, 401) } },
    preHandler: app.authenticate,
    handler: async (request, reply) => {
      const b = request.body;
      const coverUrl = await checkCoverUrl(d.blob, b.cover_url ?? '');
      const article = await articles.createArticle({ authorId: request.userId, title: b.title, content: b.content, coverUrl, tags: b.tags ?? [], draft: b.draft }, callOptions(request));
      return reply.code(201).send(await shown(article, request));
    },
  });

  app.patch('/articles/:id', {
    schema: { tags, summary: 'Edit my article: the fields given change; tags given replace its tags', security, params: IdParams, body: ArticlePatch, response: { 200: ArticleReply, ...errorReplies(400, 401, 403, 404) } },
    preHandler: app.authenticate,
    handler: async (request) => {
      const b = request.body;
      const coverUrl = b.cover_url === undefined ? undefined : await checkCoverUrl(d.blob, b.cover_url ?? '');
      const article = await articles.updateArticle(
        { id: request.params.id, authorId: request.userId, title: b.title, content: b.content, coverUrl, tags: b.tags ?? [], replaceTags: b.tags !== undefined, publish: b.publish },
        callOptions(request),
      );
      return shown(article, request);
    },
  });

  app.delete('/articles/:id', {
    schema: { tags, summary: 'Delete my article', security, params: IdParams, response: { 204: { type: 'null' }, ...errorReplies(400, 401, 403, 404) } },
    preHandler: app.authenticate,
    handler: async (request, reply) => {
      await articles.deleteArticle({ id: request.params.id, authorId: request.userId }, callOptions(request));
      return reply.code(204).send(null);
    },
  });

  app.get('/me/drafts', {
    schema: { tags, summary: 'My drafts, newest first', security, querystring: PageQuery, response: { 200: ArticlePage, ...errorReplies(400, 401) } },
    preHandler: app.authenticate,
    handler: async (request) => {
      const q = request.query;
      return pageShown(await articles.listDrafts({ authorId: request.userId, cursor: q.cursor ?? '', limit: q.limit ?? 0 }, callOptions(request)), request);
    },
  });

  app.get('/articles/hot', {
    schema: { tags, summary: 'Articles hottest first: likes, comments and views, decaying with age', security: [{ bearer: [] }, {}], querystring: HotQuery, response: { 200: ArticlePage, ...errorReplies(400, 401) } },
    preHandler: app.identify,
    handler: async (request) => {
      const q = request.query;
      return pageShown(await articles.listHot({ cursor: q.cursor ?? '', limit: q.limit ?? 0 }, callOptions(request)), request);
    },
  });

  app.get('/articles/:id', {
    schema: { tags, summary: 'One article with its author and counts', security: [{ bearer: [] }, {}], params: IdParams, response: { 200: ArticleReply, ...errorReplies(400, 401, 404) } },
    // Signed in or not: `liked` is the caller's.
    preHandler: app.identify,
    handler: async (request) => {
      // A draft is found only for its author (the service answers none to anyone else).
      const [article] = (await articles.getArticles({ ids: [request.params.id], countViews: true, viewerId: request.userId }, callOptions(request))).articles;
      if (!article) throw errors.notFound('article');
      return shown(article, request);
    },
  });

  app.get('/users/:id/articles', {
    schema: { tags, summary: "A user's articles, newest first or by likes", security: [{ bearer: [] }, {}], params: IdParams, querystring: AuthorArticlesQuery, response: { 200: ArticlePage, ...errorReplies(400, 401) } },
    preHandler: app.identify,
    handler: async (request) => {
      const q = request.query;
      return pageShown(await articles.listByAuthor({ authorId: request.params.id, sort: q.sort ?? 'newest', cursor: q.cursor ?? '', limit: q.limit ?? 0 }, callOptions(request)), request);
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
    handler: async (request) => {
      const q = request.query;
      const query = { q: q.q, cursor: q.cursor ?? '', limit: q.limit ?? 0 };
      if (q.type === 'questions') return questionPageShown(users, await questions.search(query, callOptions(request)), request);
      return pageShown(await articles.search(query, callOptions(request)), request);
    },
  });
}
