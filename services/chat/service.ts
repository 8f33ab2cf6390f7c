// Wires the chat service: the room and message models over the service's own database, the word
// filter over the configured words, then one handler per RPC method, each a use case in logic/.
import { randomBytes } from 'node:crypto';
import type { Clock } from '#kit/clock';
import type { ServiceImpl } from '#kit/rpc';
import type { ServiceDatabase } from '#kit/store';
import { createWordFilter } from '#kit/wordfilter';
import { ChatServiceDefinition } from '#gen/surge/chat/v1/chat';
import type { ChatConfig } from './config.js';
import type { ChatDeps } from './deps.js';
import { addMember } from './logic/add-member.js';
import { createRoom } from './logic/create-room.js';
import { getRoom } from './logic/get-room.js';
import { history } from './logic/history.js';
import { listRooms } from './logic/list-rooms.js';
import { removeMember } from './logic/remove-member.js';
import { send } from './logic/send.js';
import { since } from './logic/since.js';
import { createMessageModel } from './model/messages.js';
import { createRoomModel } from './model/rooms.js';
import type { ChatDB } from './model/tables.js';

export interface ChatServiceOptions {
  /** Opened with chatMigrations. */
  db: ServiceDatabase<ChatDB>;
  clock: Clock;
  /** Snowflake ids for rooms and messages (createIdGenerator from #kit/ids). */
  ids: { next(): number };
  /** The `chat` section: the masked words and the bounds. */
  config: ChatConfig;
  /**
   * A new room's epoch. Default 64 random bits in base64url (11 characters): rooms are made
   * rarely, and two histories must never share one.
   */
  newEpoch?: () => string;
}

export type ChatService = ServiceImpl<typeof ChatServiceDefinition>;

const randomEpoch = () => randomBytes(8).toString('base64url');

export function defineChatService(o: ChatServiceOptions): ChatService {
  const { blockedWords, ...limits } = o.config;
  const d: ChatDeps = {
    rooms: createRoomModel(o.db),
    messages: createMessageModel(o.db),
    words: createWordFilter({ words: blockedWords }),
    ids: o.ids,
    clock: o.clock,
    newEpoch: o.newEpoch ?? randomEpoch,
    limits,
  };
  return {
    createRoom: (req) => createRoom(d, req),
    listRooms: (req) => listRooms(d, req),
    getRoom: (req) => getRoom(d, req),
    addMember: (req) => addMember(d, req),
    removeMember: (req) => removeMember(d, req),
    send: (req) => send(d, req),
    history: (req) => history(d, req),
    since: (req) => since(d, req),
  };
}
