// Wires the notification service: the notification model over the service's own database, then
// one handler per RPC method, each a use case in logic/. The consumers that build notifications
// from events are wired in consumers/start.ts.
import type { Clock } from '#kit/clock';
import type { ServiceImpl } from '#kit/rpc';
import type { ServiceDatabase } from '#kit/store';
import { NotificationServiceDefinition } from '#gen/surge/notification/v1/notification';
import type { NotificationDeps } from './deps.js';
import { list } from './logic/list.js';
import { markAllRead } from './logic/mark-all-read.js';
import { markRead } from './logic/mark-read.js';
import { sendSystem } from './logic/send-system.js';
import { unreadCount } from './logic/unread-count.js';
import { createNotificationModel } from './model/notifications.js';
import type { NotificationDB } from './model/tables.js';

export interface NotificationServiceOptions {
  /** Opened with notificationMigrations (they include the applied-event table). */
  db: ServiceDatabase<NotificationDB>;
  clock: Clock;
  /** Snowflake ids for notifications (createIdGenerator from #kit/ids). */
  ids: { next(): number };
}

export type NotificationService = ServiceImpl<typeof NotificationServiceDefinition>;

export function defineNotificationService(o: NotificationServiceOptions): NotificationService {
  const d: NotificationDeps = { notifications: createNotificationModel(o.db), ids: o.ids, clock: o.clock };
  return {
    list: (req) => list(d, req),
    markRead: (req) => markRead(d, req),
    markAllRead: (req) => markAllRead(d, req),
    unreadCount: (req) => unreadCount(d, req),
    sendSystem: (req) => sendSystem(d, req),
  };
}
