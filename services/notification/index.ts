export { defineNotificationService, type NotificationService, type NotificationServiceOptions } from './service.js';
export { notificationMigrations } from './model/migrations.js';
export type { NotificationDB } from './model/tables.js';
export { AGGREGATED_TYPES, LATEST_ACTORS, type NotificationType } from './model/kinds.js';
export { MAX_BODY, MAX_MARK_READ, MAX_RECIPIENTS, MAX_TITLE } from './rules.js';
export { NotificationServiceDefinition } from '#gen/surge/notification/v1/notification';
export { notificationModule } from './module.js';
