export { defineMessageService, type MessageService, type MessageServiceOptions } from './service.js';
export { messageMigrations } from './model/migrations.js';
export type { MessageDB } from './model/tables.js';
export { MAX_IDS_PER_BATCH, MAX_CONTENT_CHARS, MAX_MESSAGES_PER_CHAT } from './rules.js';
export { MessageServiceDefinition } from '#gen/surge/message/v1/message';
export { messageModule } from './module.js';
