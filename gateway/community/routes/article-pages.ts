// Articles as the API shows them: each with its author's public name and avatar, its counts and
// the caller's like flag, from one batch call to the user service and one to the interaction
// service however many articles a page holds, written as JSON bytes (article-json.ts). Shared by
// the article routes and the feed.
import type { FastifyRequest } from 'fastify';
import type { Article } from '#gen/surge/article/v1/article';
import { articlePageJson, articleReplyJson } from '../article-json.js';
import type { CommunityDeps } from '../deps.js';
import { authorsOf } from './authors.js';
import { statesOf } from './states.js';

type Clients = Pick<CommunityDeps['clients'], 'users' | 'interactions'>;

/** The articles' authors, and their counts and like flags as viewerId (default: the caller) sees them, asked at once. */
export const aroundArticles = (c: Clients, list: readonly Article[], request: FastifyRequest, viewerId = request.userId) =>
  Promise.all([
    authorsOf(c.users, list, request),
    statesOf(
      c.interactions,
      'article',
      list.map((a) => a.id),
      request,
      viewerId,
    ),
  ]);

/** One article's reply bytes, as viewerId (default: the caller) sees it. */
export async function articleReply(c: Clients, article: Article, request: FastifyRequest, viewerId = request.userId): Promise<Buffer> {
  const [authors, states] = await aroundArticles(c, [article], request, viewerId);
  return articleReplyJson(article, authors, states.get(article.id));
}

/** A page of articles as summaries, in order, as viewerId (default: the caller) sees them. */
export async function articlePage(c: Clients, page: { articles: readonly Article[]; nextCursor: string; isEnd: boolean }, request: FastifyRequest, viewerId = request.userId): Promise<Buffer> {
  const [authors, states] = await aroundArticles(c, page.articles, request, viewerId);
  return articlePageJson(page.articles, authors, states, page);
}
