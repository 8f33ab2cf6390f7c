// Notifications: the signed-in user's message center — likes, comments, replies, follows, answers,
// acceptances and system messages, each aggregate with its latest actors' public names — and read
// marks. Always the caller's own (the token says who): another user's ids are ignored, not read.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errors } from '#kit/errors';
import type { Notification } from '#gen/surge/notification/v1/notification';
import { callOptions } from '../../routes/users.js';
import { errorReplies } from '../../schemas/common.js';
import type { CommunityDeps } from '../deps.js';
import { MarkReadBody, NotificationListQuery, NotificationPage, UnreadReply } from '../notification-schemas.js';
import { personView } from '../views.js';
import { peopleOf, type People } from './people.js';

const tags = ['community'];
const security = [{ bearer: [] }];

/** A notification as the API shows it; an actor the user service no longer has keeps its id, with no name. */
const notificationView = (n: Notification, actors: People) => ({
  id: n.id,
  type: n.type,
  actors: n.actorIds.map((id) => personView(id, actors)),
  actor_count: n.actorCount,
  target: n.biz === '' ? null : { biz: n.biz, id: n.targetId },
  read: n.read,
  created_at: n.createdAt,
  updated_at: n.updatedAt,
  ...(n.type === 'system' ? { title: n.title, body: n.body } : {}),
});

export async function notificationRoutes(fastify: FastifyInstance, d: CommunityDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { notifications, users } = d.clients;

  app.get('/notifications', {
    schema: { tags, summary: 'My notifications, the most recently updated first, with my unread count', security, querystring: NotificationListQuery, response: { 200: NotificationPage, ...errorReplies(400, 401) } },
    preHandler: app.authenticate,
    handler: async (request) => {
      const q = request.query;
      const page = await notifications.list({ userId: request.userId, cursor: q.cursor ?? '', limit: q.limit ?? 0 }, callOptions(request));
      // Every actor of a page (at most 3 a notification) from one batch call to the user service.
      const actors = await peopleOf(users, page.notifications.flatMap((n) => n.actorIds), request);
      return { notifications: page.notifications.map((n) => notificationView(n, actors)), next_cursor: page.nextCursor, is_end: page.isEnd, unread_count: page.unreadCount };
    },
  });

  app.post('/notifications/read', {
    schema: { tags, summary: 'Mark my notifications read: the ids given, or all', security, body: MarkReadBody, response: { 200: UnreadReply, ...errorReplies(400, 401) } },
    preHandler: app.authenticate,
    handler: async (request) => {
      const { ids, all } = request.body;
      if (ids !== undefined && all !== undefined) throw errors.invalid('all', 'give ids or all, not both');
      const marked = ids
        ? await notifications.markRead({ userId: request.userId, ids }, callOptions(request))
        : await notifications.markAllRead({ userId: request.userId }, callOptions(request));
      return { unread_count: marked.unreadCount };
    },
  });
}
