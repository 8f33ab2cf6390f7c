// The notification service as a module: notifications over its own database, and the consumers
// that build them from likes, comments, follows, answers and acceptances. It has no configuration
// section and calls no service (the gateway looks up actors' names).
import { defineServiceModule, type ModuleContext } from '#kit/service';
import { NotificationServiceDefinition } from '#gen/surge/notification/v1/notification';
import { CONSUMED, startNotificationConsumers } from './consumers/start.js';
import { notificationMigrations } from './model/migrations.js';
import type { NotificationDB } from './model/tables.js';
import { defineNotificationService } from './service.js';

type NotificationContext = ModuleContext<NotificationDB>;

export const notificationModule = defineServiceModule({
  definition: NotificationServiceDefinition,
  migrations: notificationMigrations,
  consumes: CONSUMED,
  handlers: (ctx: NotificationContext) => defineNotificationService({ db: ctx.db, clock: ctx.clock, ids: ctx.ids }),
  consumers: (ctx: NotificationContext) => startNotificationConsumers({ db: ctx.db, queue: ctx.queue, ids: ctx.ids, clock: ctx.clock, log: ctx.log }),
});
