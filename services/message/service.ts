// Wires the message service: models over the service's own database, then one handler per RPC
// method, each a use case in logic/. No cache: Chat polls read one index range, Latest one
// primary-key lookup per conversation.
import type { Clock } from '#kit/clock';
import type { ServiceImpl } from '#kit/rpc';
import type { ServiceDatabase } from '#kit/store';
import { MessageServiceDefinition } from '#gen/surge/message/v1/message';
import type { MessageDeps } from './deps.js';
import { chat } from './logic/chat.js';
import { latest } from './logic/latest.js';
import { send } from './logic/send.js';
import { createLatestModel } from './model/latest.js';
import { createMessageModel } from './model/messages.js';
import type { MessageDB } from './model/tables.js';

export interface MessageServiceOptions {
  db: ServiceDatabase<MessageDB>;
  clock: Clock;
  /** Message ids: the snowflake generator (createIdGenerator from #kit/ids). */
  ids: { next(): number };
}

export type MessageService = ServiceImpl<typeof MessageServiceDefinition>;

export function defineMessageService(o: MessageServiceOptions): MessageService {
  const d: MessageDeps = { messages: createMessageModel(o.db), latest: createLatestModel(o.db), ids: o.ids, clock: o.clock };
  return {
    send: (req) => send(d, req),
    chat: (req) => chat(d, req),
    latest: (req) => latest(d, req),
  };
}
