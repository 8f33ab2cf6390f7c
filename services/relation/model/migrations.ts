// The relation service's tables, and the outbox's. Runs on SQLite and MariaDB alike.
import type { Kysely } from 'kysely';
import { outboxMigrations } from '#kit/outbox';
import type { Migration } from '#kit/store';

export const relationMigrations: Record<string, Migration> = {
  ...outboxMigrations,
  '0001_create_follows': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('follows')
        .addColumn('follower_id', 'bigint', (c) => c.notNull())
        .addColumn('followee_id', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        // The pair is the key: a second follow is a no-op (insert-ignore), IsFollowing a key lookup.
        .addPrimaryKeyConstraint('follows_pk', ['follower_id', 'followee_id'])
        .execute();
      // Lists read most recent first: whom a user follows, and who follows a user (the reverse
      // direction also serves the friends check).
      await db.schema.createIndex('follows_following').on('follows').columns(['follower_id', 'created_at']).execute();
      await db.schema.createIndex('follows_followers').on('follows').columns(['followee_id', 'created_at']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('follows').execute();
    },
  },
};
