// Follows, friends and chat.
import type { DouyinDeps, DouyinRoute } from '../deps.js';
import { viewer, type Params } from '../http/index.js';
import { messageView, userList } from '../views.js';
import { ownersList, userOrFail, viewContext } from './context.js';
import { errors } from '#kit/errors';
import type { FastifyRequest } from 'fastify';

export function socialRoutes(d: DouyinDeps): DouyinRoute[] {
  const { relations, messages } = d.clients;

  /** The caller, the other user (who must exist and not be the caller) and the view context. */
  const pair = async (p: Params, request: FastifyRequest, selfProblem: string) => {
    const me = await viewer(p, d.callers, { required: true });
    const other = p.id('to_user_id');
    if (other === me) throw errors.invalid('to_user_id', selfProblem);
    const v = viewContext(d, request, me);
    await userOrFail(d, v, other, 'to_user_id');
    return { me, other, v };
  };

  /** A list of users that follows from the list owner's relations, as the caller sees them. */
  const listRoute = (url: string, list: typeof relations.listFollowing): DouyinRoute => ({
    url,
    empty: { user_list: [] },
    async handler(p, request) {
      const { v, list: { userIds } } = await ownersList(d, p, request, (owner, v) => list({ userId: owner, limit: 0 }, v.call));
      return { user_list: await userList(d.clients, v, userIds) };
    },
  });

  return [
    {
      url: '/douyin/relation/action/',
      empty: {},
      async handler(p, request) {
        const follow = p.oneOf('action_type', [1, 2]) === 1;
        const { me, other, v } = await pair(p, request, 'you cannot follow yourself');
        await relations.follow({ followerId: me, followeeId: other, follow }, v.call);
        return {};
      },
    },
    listRoute('/douyin/relation/follow/list/', relations.listFollowing),
    listRoute('/douyin/relation/follower/list/', relations.listFollowers),
    {
      url: '/douyin/relation/friend/list/',
      empty: { user_list: [] },
      async handler(p, request) {
        const { owner, v, list: { userIds } } = await ownersList(d, p, request, (owner, v) => relations.listFriends({ userId: owner, limit: 0 }, v.call));
        if (userIds.length === 0) return { user_list: [] };
        // Conversations are private: another user's friend list comes without their messages.
        const [users, latest] = await Promise.all([userList(d.clients, v, userIds), owner === v.viewer ? messages.latest({ userId: owner, peerIds: userIds }, v.call) : { messages: [] }]);
        const last = new Map(latest.messages.map((m) => [m.fromUserId === owner ? m.toUserId : m.fromUserId, m]));
        // message/msgType are from the list owner's side: 1 when they sent the latest message.
        return { user_list: users.map((u) => ({ ...u, message: last.get(u.id)?.content ?? '', msgType: last.get(u.id)?.fromUserId === owner ? 1 : 0 })) };
      },
    },
    {
      url: '/douyin/message/action/',
      empty: {},
      async handler(p, request) {
        p.oneOf('action_type', [1]);
        const content = p.text('content', { max: 1000, multiline: true });
        const { me, other, v } = await pair(p, request, 'you cannot send a message to yourself');
        await messages.send({ fromUserId: me, toUserId: other, content }, v.call);
        return {};
      },
    },
    {
      url: '/douyin/message/chat/',
      empty: { message_list: [] },
      async handler(p, request) {
        const me = await viewer(p, d.callers, { required: true });
        const other = p.id('to_user_id');
        if (other === me) throw errors.invalid('to_user_id', 'you cannot chat with yourself');
        const after = p.time('pre_msg_time') ?? 0;
        const v = viewContext(d, request, me);
        // An unknown user is an error (as when sending), not an empty conversation; checked alongside.
        const [{ messages: list }] = await Promise.all([messages.chat({ userId: me, peerId: other, after }, v.call), userOrFail(d, v, other, 'to_user_id')]);
        return { message_list: list.map(messageView) };
      },
    },
  ];
}
