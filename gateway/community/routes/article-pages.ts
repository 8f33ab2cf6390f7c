// Articles as the API shows them: each with its author's public name and avatar, its counts and
// the caller's like flag, from one batch call to the user service and one to the interaction
// service however many articles a page holds. Shared by the article routes and the feed.
import type { FastifyRequest } from 'fastify';
import type { Article } from '#gen/surge/article/v1/article';
import type { CommunityDeps } from '../deps.js';
import { articleSummaryView } from '../views.js';
import { authorsOf } from './authors.js';
import { statesOf } from './states.js';

type Clients = Pick<CommunityDeps['clients'], 'users' | 'interactions'>;

/** The articles' authors, and their counts and like flags, asked at once. */
export const aroundArticles = (c: Clients, list: readonly Article[], request: FastifyRequest) =>
  Promise.all([
    authorsOf(c.users, list, request),
    statesOf(
      c.interactions,
      'article',
      list.map((a) => a.id),
      request,
    ),
  ]);

/** A list's articles as summaries, in order. */
export async function articleSummaries(c: Clients, list: readonly Article[], request: FastifyRequest) {
  const [authors, states] = await aroundArticles(c, list, request);
  return list.map((a) => articleSummaryView(a, authors, states.get(a.id)));
}
