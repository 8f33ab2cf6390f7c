// The chat room's HTTP routes beside the socket: the rooms a user may see, making a room, adding
// a member to a private room (its owner only) and removing one (the owner, or the member
// leaving), and a room's history (members only: a private room is NotFound to anyone else, as
// the chat service answers).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Code, SurgeError } from '#kit/errors';
import type { ChatMessage, Room as RoomMessage } from '#gen/surge/chat/v1/chat';
import { callOptions } from '../routes/users.js';
import { errorReplies } from '../schemas/common.js';
import type { Client } from '#kit/rpc';
import type { ChatServiceDefinition } from '#gen/surge/chat/v1/chat';
import type { UserServiceDefinition } from '#gen/surge/user/v1/user';
import { authorOf, type Authors } from './authors.js';
import { AddedReply, CreateRoomBody, MemberBody, MessagePage, MessagesQuery, RemovedReply, RoomMemberParams, RoomPage, RoomParams, RoomReply, RoomsQuery } from './schemas.js';

const tags = ['chat'];
const security = [{ bearer: [] }];

const roomView = (r: RoomMessage) => ({ id: r.id, name: r.name, owner_id: r.ownerId, private: r.private, epoch: r.epoch, last_seq: r.lastSeq, created_at: r.createdAt });

export interface ChatRoutesDeps {
  readonly chat: Client<typeof ChatServiceDefinition>;
  readonly users: Client<typeof UserServiceDefinition>;
  readonly authors: Authors;
  /** Tells every gateway that the user is out of the room: their sockets in it stop receiving it. */
  removed(room: number, userId: number): void;
}

export async function chatRoutes(fastify: FastifyInstance, d: ChatRoutesDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const chat = d.chat;

  app.get('/rooms', {
    schema: { tags, summary: 'The rooms I may see: every public room and the private rooms I am in, newest first', security, querystring: RoomsQuery, response: { 200: RoomPage, ...errorReplies(400, 401) } },
    preHandler: app.authenticate,
    handler: async (request) => {
      const page = await chat.listRooms({ userId: request.userId, cursor: request.query.cursor ?? '', limit: request.query.limit ?? 0 }, callOptions(request));
      return { rooms: page.rooms.map(roomView), next_cursor: page.nextCursor, is_end: page.isEnd };
    },
  });

  app.post('/rooms', {
    schema: { tags, summary: 'Make a room (private: only the members I add may see it)', security, body: CreateRoomBody, response: { 201: RoomReply, ...errorReplies(400, 401, 429) } },
    preHandler: app.authenticate,
    handler: async (request, reply) => {
      const room = await chat.createRoom({ userId: request.userId, name: request.body.name, private: request.body.private ?? false }, callOptions(request));
      return reply.code(201).send({ room: roomView(room) });
    },
  });

  app.post('/rooms/:id/members', {
    schema: { tags, summary: "Add a user to my private room (its owner only)", security, params: RoomParams, body: MemberBody, response: { 200: AddedReply, ...errorReplies(400, 401, 403, 404, 409, 429) } },
    preHandler: app.authenticate,
    handler: async (request) => {
      // The chat service does not know users: the member must exist before it is added.
      await d.users.getUser({ id: request.body.user_id }, callOptions(request)).catch((err: unknown) => {
        throw renameNotFound(err, 'user_id');
      });
      const { added } = await chat.addMember({ userId: request.userId, roomId: request.params.id, memberId: request.body.user_id }, callOptions(request));
      return { added };
    },
  });

  app.delete('/rooms/:id/members/:user_id', {
    schema: { tags, summary: 'Remove a member from my private room (its owner), or leave it (a member, naming myself)', security, params: RoomMemberParams, response: { 200: RemovedReply, ...errorReplies(400, 401, 403, 404, 409, 503) } },
    preHandler: app.authenticate,
    handler: async (request) => {
      const { id: roomId, user_id: memberId } = request.params;
      const { removed } = await chat.removeMember({ userId: request.userId, roomId, memberId }, callOptions(request));
      // Told even when nothing was removed: a retry after a removal whose telling failed (the
      // broker down: this route answered 503) ends the user's sockets in the room after all.
      d.removed(roomId, memberId);
      return { removed };
    },
  });

  app.get('/rooms/:id/messages', {
    schema: { tags, summary: "A room's messages, newest first, older pages by before_seq (members only)", security, params: RoomParams, querystring: MessagesQuery, response: { 200: MessagePage, ...errorReplies(400, 401, 404) } },
    preHandler: app.authenticate,
    handler: async (request) => {
      const page = await chat.history({ userId: request.userId, roomId: request.params.id, beforeSeq: request.query.before_seq ?? 0, limit: request.query.limit ?? 0 }, callOptions(request));
      const who = await d.authors(page.messages.map((m) => m.userId), callOptions(request));
      return { messages: page.messages.map((m) => messageView(m, authorOf(who, m.userId))), is_end: page.isEnd, epoch: page.epoch, last_seq: page.lastSeq };
    },
  });
}

const messageView = (m: ChatMessage, from: { id: number; name: string; avatar: string }) => ({
  room: m.roomId,
  seq: m.seq,
  id: m.id,
  from,
  content: m.content,
  created_at: m.createdAt,
  client_msg_id: m.clientMsgId,
});

/** The user service's NotFound for the member, named by this route's field. */
function renameNotFound(err: unknown, field: string): unknown {
  if (err instanceof SurgeError && err.code === Code.NotFound) return new SurgeError(Code.NotFound, `${field}: no such user`, { details: { field, resource: 'user' } });
  return err;
}
