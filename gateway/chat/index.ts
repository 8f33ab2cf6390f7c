// The chat room under /api/v1/chat (docs/api/chat.md): the WebSocket at /ws and the rooms'
// HTTP routes. Every gateway instance keeps the rooms its connections joined as ordered streams
// over the broadcast; the chat service holds the rooms, their members and their history.
import type { FastifyInstance } from 'fastify';
import { Code, SurgeError } from '#kit/errors';
import type { Client } from '#kit/rpc';
import type { ChatServiceDefinition } from '#gen/surge/chat/v1/chat';
import { authorOf, authorsFrom, messageFrame, type Authors } from './authors.js';
import type { ChatDeps } from './deps.js';
import { createRoomStreams, type RoomHistory, type SeqFrame } from './room-streams.js';
import { chatRoutes } from './routes.js';
import { chatSocketRoute } from './socket.js';

export { chatCalls } from './calls.js';
export type { ChatContext, ChatDeps } from './deps.js';
export { createRoomPresence, type RoomPresence } from './presence.js';
export type { ChatSocketSettings } from './socket.js';

export const CHAT_PREFIX = '/api/v1/chat';

export async function chatFaceRoutes(app: FastifyInstance, d: ChatDeps): Promise<void> {
  const decoder = new TextDecoder();
  const authors = authorsFrom(d.clients.users);
  const streams = createRoomStreams({
    bus: {
      publish: (subject, payload) => d.broadcast.publish(subject, payload),
      subscribe: (subject, handler) => d.broadcast.subscribe(subject, (bytes) => handler(decoder.decode(bytes))),
    },
    history: roomHistory(d.clients.chat, authors),
    clock: d.clock,
    subjectOf: (room) => `chat.room.${room}`,
    onError: (err, room) => app.log.warn({ err, room }, 'chat: reading a room history to fill a gap failed; trying again at the next gap'),
  });
  // Messages published while the broadcast was away never reached this instance.
  const stopResync = d.broadcast.onReconnect(() => streams.resync());
  app.addHook('onClose', async () => {
    stopResync();
    streams.close();
    await d.presence.close();
  });
  await app.register(
    async (scope) => {
      await chatRoutes(scope, { chat: d.clients.chat, users: d.clients.users, authors, removed: (room, userId) => streams.publishRemoval(room, userId) });
      await chatSocketRoute(scope, { callers: d.callers, chat: d.clients.chat, users: d.clients.users, authors, streams, presence: d.presence, takeSend: d.takeSend, settings: d.settings, clock: d.clock });
    },
    { prefix: CHAT_PREFIX },
  );
}

/** The streams' view of the chat service: a room's head, what followed a seq, page by page, as frames, and who may read it. */
function roomHistory(chat: Client<typeof ChatServiceDefinition>, authors: Authors): RoomHistory {
  return {
    head: async (room, asUser) => (await chat.getRoom({ userId: asUser, roomId: room })).lastSeq,
    async since(room, afterSeq, asUser) {
      const out: SeqFrame[] = [];
      let from = afterSeq;
      for (;;) {
        const page = await chat.since({ userId: asUser, roomId: room, sinceSeq: from, epoch: '', limit: 100 });
        if (page.tooFar) return { frames: [], tooFar: true };
        if (page.messages.length === 0) break;
        const who = await authors(page.messages.map((m) => m.userId));
        for (const m of page.messages) out.push({ seq: m.seq, frame: messageFrame(m, authorOf(who, m.userId)) });
        from = page.messages.at(-1)!.seq;
        if (from >= page.lastSeq) break;
      }
      return { frames: out, tooFar: false };
    },
    async access(room, userId) {
      try {
        return (await chat.getRoom({ userId, roomId: room })).private ? 'member' : 'open';
      } catch (err) {
        // A private room the user was removed from reads as one that does not exist.
        if (err instanceof SurgeError && err.code === Code.NotFound) return 'none';
        throw err;
      }
    },
  };
}
