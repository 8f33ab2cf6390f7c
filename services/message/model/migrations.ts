// The message service's tables. Runs on SQLite and MariaDB alike.
import type { Kysely } from 'kysely';
import type { Migration } from '#kit/store';

export const messageMigrations: Record<string, Migration> = {
  '0001_create_messages': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('messages')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('low_id', 'bigint', (c) => c.notNull())
        .addColumn('high_id', 'bigint', (c) => c.notNull())
        .addColumn('from_user_id', 'bigint', (c) => c.notNull())
        .addColumn('to_user_id', 'bigint', (c) => c.notNull())
        // Characters, not bytes, on both (utf8mb4 on MariaDB): the rule is 1–1000 characters.
        .addColumn('content', 'varchar(1000)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      // Strictly increasing times per conversation, even with several instances sending; also
      // the index Chat reads in order.
      await db.schema.createIndex('messages_conversation_time').on('messages').columns(['low_id', 'high_id', 'created_at']).unique().execute();
      await db.schema
        .createTable('latest_messages')
        .addColumn('low_id', 'bigint', (c) => c.notNull())
        .addColumn('high_id', 'bigint', (c) => c.notNull())
        .addColumn('id', 'bigint', (c) => c.notNull())
        .addColumn('from_user_id', 'bigint', (c) => c.notNull())
        .addColumn('to_user_id', 'bigint', (c) => c.notNull())
        .addColumn('content', 'varchar(1000)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('latest_messages_pk', ['low_id', 'high_id'])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('latest_messages').execute();
      await db.schema.dropTable('messages').execute();
    },
  },
};
