// Follows: a signed-in user follows and unfollows others (always as the follower: the route reads
// who from the token, never from the request), and anyone reads a user's followers and following,
// newest follow first, each user with whether the caller follows them.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Code, errors, SurgeError } from '#kit/errors';
import type { PageRequest, UserPage } from '#gen/surge/relation/v1/relation';
import { callOptions } from '../../routes/users.js';
import { errorReplies } from '../../schemas/common.js';
import type { CommunityDeps } from '../deps.js';
import { FollowListQuery, FollowPage, FollowParams, FollowReply, NoQuery } from '../follow-schemas.js';
import { IdParams } from '../schemas.js';

const tags = ['community'];
const security = [{ bearer: [] }];

/** NotFound naming the route's field, as a client reads it ("user_id: no such user"). */
const noSuchUser = (field: string) => new SurgeError(Code.NotFound, `${field}: no such user`, { details: { field, resource: 'user' } });

export async function followRoutes(fastify: FastifyInstance, d: CommunityDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { relations, users } = d.clients;

  /** Follows (follow = true) or unfollows user_id as the caller; the relation service makes repeats no-ops. */
  const setFollow = async (request: FastifyRequest, target: number, follow: boolean) => {
    if (target === request.userId) throw errors.invalid('user_id', 'you cannot follow yourself');
    // The relation service does not know users: the one followed must exist before a row names them.
    const [found] = (await users.getUsers({ ids: [target] }, callOptions(request))).users;
    if (!found) throw noSuchUser('user_id');
    await relations.follow({ followerId: request.userId, followeeId: target, follow }, callOptions(request));
    // Their feed changes (once the feed service has the follow): built anew from now on.
    d.pages.readerChanged(request.userId);
    return { following: follow };
  };

  /**
   * A page of a list as the caller sees it. The owner is looked up in the same batch as the
   * page's users (an unknown owner is 404, not an empty list), and the caller's flags alongside.
   * A listed user the user service no longer has is left out, so a page may hold fewer than limit.
   */
  const listShown = async (request: FastifyRequest, owner: number, load: (req: PageRequest) => Promise<UserPage>, query: { cursor?: string; limit?: number }) => {
    const page = await load({ userId: owner, cursor: query.cursor ?? '', limit: query.limit ?? 0 });
    const viewer = request.userId;
    const [{ users: found }, flags] = await Promise.all([
      users.getUsers({ ids: [owner, ...page.userIds] }, callOptions(request)),
      viewer === 0 || page.userIds.length === 0 ? { values: page.userIds.map(() => false) } : relations.isFollowing({ userId: viewer, targetIds: page.userIds }, callOptions(request)),
    ]);
    const byId = new Map(found.map((u) => [u.id, u]));
    if (!byId.has(owner)) throw noSuchUser('id');
    const shown = page.userIds.flatMap((id, i) => {
      const user = byId.get(id);
      return user ? [{ id, name: user.name, avatar: user.avatar, following: flags.values[i] ?? false }] : [];
    });
    return { users: shown, next_cursor: page.nextCursor, is_end: page.isEnd };
  };

  app.put('/follows/:user_id', {
    schema: { tags, summary: 'Follow a user (again: no change)', security, params: FollowParams, querystring: NoQuery, response: { 200: FollowReply, ...errorReplies(400, 401, 404) } },
    preHandler: app.authenticate,
    handler: (request) => setFollow(request, request.params.user_id, true),
  });

  app.delete('/follows/:user_id', {
    schema: { tags, summary: 'Unfollow a user (not followed: no change)', security, params: FollowParams, querystring: NoQuery, response: { 200: FollowReply, ...errorReplies(400, 401, 404) } },
    preHandler: app.authenticate,
    handler: (request) => setFollow(request, request.params.user_id, false),
  });

  app.get('/users/:id/followers', {
    schema: { tags, summary: "A user's followers, newest follow first", security: [{ bearer: [] }, {}], params: IdParams, querystring: FollowListQuery, response: { 200: FollowPage, ...errorReplies(400, 401, 404) } },
    // Signed in or not: `following` is the caller's (false for everyone when signed out).
    preHandler: app.identify,
    handler: (request) => listShown(request, request.params.id, (req) => relations.listFollowersPage(req, callOptions(request)), request.query),
  });

  app.get('/users/:id/following', {
    schema: { tags, summary: 'The users a user follows, newest follow first', security: [{ bearer: [] }, {}], params: IdParams, querystring: FollowListQuery, response: { 200: FollowPage, ...errorReplies(400, 401, 404) } },
    preHandler: app.identify,
    handler: (request) => listShown(request, request.params.id, (req) => relations.listFollowingPage(req, callOptions(request)), request.query),
  });
}
