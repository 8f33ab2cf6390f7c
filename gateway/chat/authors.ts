// Who wrote what: the chat service stores a sender's id; frames and pages show {id, name, avatar}
// from the user service, read once per page of messages.
import type { CallOptions, Client } from '#kit/rpc';
import type { ChatMessage } from '#gen/surge/chat/v1/chat';
import type { UserServiceDefinition } from '#gen/surge/user/v1/user';
import { frames, type Author } from './frames.js';

/** Authors by id; `options` carries the request's deadline and trace when there is a request. */
export type Authors = (ids: readonly number[], options?: CallOptions) => Promise<Map<number, Author>>;

export function authorsFrom(users: Client<typeof UserServiceDefinition>): Authors {
  return async (ids, options) => {
    const distinct = [...new Set(ids)];
    if (distinct.length === 0) return new Map();
    const found = await users.getUsers({ ids: distinct }, options);
    return new Map(found.users.map((u) => [u.id, { id: u.id, name: u.name, avatar: u.avatar }]));
  };
}

/** A user the user service no longer knows is shown by id alone. */
export const authorOf = (authors: ReadonlyMap<number, Author>, id: number): Author => authors.get(id) ?? { id, name: '', avatar: '' };

/** The message frame of a stored message. */
export const messageFrame = (m: ChatMessage, from: Author) =>
  frames.message({ room: m.roomId, seq: m.seq, id: m.id, from, content: m.content, createdAt: m.createdAt, clientMsgId: m.clientMsgId });
