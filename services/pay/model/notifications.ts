// The notifications applied, by the provider's id: written in the transaction that applies one,
// so a repeat (a provider's retry, a replay, two deliveries at once) finds it and changes nothing.
import type { Kysely } from 'kysely';
import type { ServiceDatabase } from '#kit/store';
import type { NotificationsTable, PayDB } from './tables.js';

export interface NotificationModel {
  /** Records the notification in `executor`; false when it was recorded before. */
  record(row: NotificationsTable, executor: Kysely<PayDB>): Promise<boolean>;
}

export function createNotificationModel(sdb: ServiceDatabase<PayDB>): NotificationModel {
  return {
    record: (row, executor) => sdb.insertIgnore('notifications', row, { executor }),
  };
}
