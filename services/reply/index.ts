export { defineReplyService, type ReplyService, type ReplyServiceOptions } from './service.js';
export { replyMigrations } from './model/migrations.js';
export type { ReplyDB } from './model/tables.js';
export { purchaseBook, type Purchase, type PurchaseBook } from './orders.js';
export { MAX_CONTENT, MAX_IMAGES, MAX_IMAGE_URL, MAX_SUMMARY_IDS, RATING } from './rules.js';
export { DEFAULT_BLOCKED_WORDS, type ReplyConfig } from './config.js';
export { ReplyServiceDefinition } from '#gen/surge/reply/v1/reply';
export { replyModule, type ReplySections } from './module.js';
