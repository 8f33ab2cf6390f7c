// What the notification service's use cases need, passed in by service.ts. Interfaces only: no
// driver, adapter or configuration type reaches logic/.
import type { Clock } from '#kit/clock';
import type { NotificationModel } from './model/notifications.js';

export interface NotificationDeps {
  readonly notifications: NotificationModel;
  /** Snowflake ids for system rows. */
  readonly ids: { next(): number };
  readonly clock: Clock;
}
