// The notification service's tables, and the applied-event keys of its consumers (#kit/outbox).
// Runs on SQLite and MariaDB alike.
import type { Kysely } from 'kysely';
import { outboxMigrations } from '#kit/outbox';
import type { Migration } from '#kit/store';

export const notificationMigrations: Record<string, Migration> = {
  ...outboxMigrations,
  '0001_create_notifications': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('notifications')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('type', 'varchar(16)', (c) => c.notNull())
        .addColumn('biz', 'varchar(16)', (c) => c.notNull())
        .addColumn('target_id', 'bigint', (c) => c.notNull())
        .addColumn('actor_count', 'bigint', (c) => c.notNull())
        .addColumn('actor_ids', 'varchar(100)', (c) => c.notNull())
        .addColumn('is_read', 'smallint', (c) => c.notNull())
        .addColumn('title', 'varchar(400)', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        // The aggregate's key: concurrent first events of one target make one row.
        .addUniqueConstraint('notifications_aggregate', ['user_id', 'type', 'biz', 'target_id'])
        .execute();
      // The list (newest updated first, ties by id) is a range scan of one user's rows; the unread
      // count reads one user's unread entries of the second index only.
      await db.schema.createIndex('notifications_by_updated').on('notifications').columns(['user_id', 'updated_at', 'id']).execute();
      await db.schema.createIndex('notifications_unread').on('notifications').columns(['user_id', 'is_read']).execute();

      await db.schema
        .createTable('notification_actors')
        .addColumn('notification_id', 'bigint', (c) => c.notNull())
        .addColumn('actor_id', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('notification_actors_pk', ['notification_id', 'actor_id'])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('notification_actors').execute();
      await db.schema.dropTable('notifications').execute();
    },
  },
};
