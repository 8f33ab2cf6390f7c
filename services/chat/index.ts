export { defineChatService, type ChatService, type ChatServiceOptions } from './service.js';
export { chatMigrations } from './model/migrations.js';
export type { ChatDB } from './model/tables.js';
export { HISTORY_PAGE, MAX_CLIENT_MSG_ID, MAX_EPOCH, MAX_ROOM_NAME, ROOM_PAGE, SINCE_PAGE } from './rules.js';
export { chatConfig, DEFAULT_BLOCKED_WORDS, type ChatConfig } from './config.js';
export { ChatServiceDefinition } from '#gen/surge/chat/v1/chat';
export { chatModule, type ChatSections } from './module.js';
