// The chat service as a module: rooms, their members and their message history over its own
// database. It calls no other service: user ids come from the gateway's token, and fan-out and
// presence belong to the gateway.
import { defineServiceModule, type ModuleContext } from '#kit/service';
import { ChatServiceDefinition } from '#gen/surge/chat/v1/chat';
import type { ChatConfig } from './config.js';
import { chatMigrations } from './model/migrations.js';
import type { ChatDB } from './model/tables.js';
import { defineChatService } from './service.js';

/** The configuration section the chat service reads (./config.ts). */
export interface ChatSections {
  chat: ChatConfig;
}

export const chatModule = defineServiceModule({
  definition: ChatServiceDefinition,
  migrations: chatMigrations,
  config: ['chat'],
  handlers: (ctx: ModuleContext<ChatDB, ChatSections>) => defineChatService({ db: ctx.db, clock: ctx.clock, ids: ctx.ids, config: ctx.config.chat }),
});
