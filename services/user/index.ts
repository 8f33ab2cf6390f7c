export { defineUserService, CLIENT_ADDRESS_METADATA, type UserService, type UserServiceOptions } from './service.js';
export { reindexMobiles, type MobileReindexOptions, type MobileReindexReport } from './mobile-reindex.js';
export { userMigrations } from './model/migrations.js';
export type { UserDB } from './model/tables.js';
export { disabledCodeSender, logCodeSender, webhookCodeSender, type CodeSender, type WebhookCodeSenderOptions } from './code-sender.js';
export { MAX_BATCH as MAX_USERS_PER_BATCH } from './logic/get-users.js';
export { UserServiceDefinition } from '#gen/surge/user/v1/user';
export { startUserConsumers, type UserConsumerOptions } from './consumers.js';
