// The interaction service's tables, and the outbox's, in its own database. Runs on SQLite and
// MariaDB alike.
import type { Kysely } from 'kysely';
import { outboxMigrations } from '#kit/outbox';
import type { Migration } from '#kit/store';

export const interactionMigrations: Record<string, Migration> = {
  ...outboxMigrations,
  '0001_create_favorites_and_comments': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('favorites')
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('video_id', 'bigint', (c) => c.notNull())
        .addColumn('author_id', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        // The key that makes a second like of the same video a no-op, and serves IsFavorite.
        .addPrimaryKeyConstraint('favorites_pk', ['user_id', 'video_id'])
        .execute();
      // ListFavorites: a user's likes, most recent first.
      await db.schema.createIndex('favorites_by_user_time').on('favorites').columns(['user_id', 'created_at']).execute();

      await db.schema
        .createTable('comments')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('video_id', 'bigint', (c) => c.notNull())
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        // Characters, not bytes, on both dialects (utf8mb4 on MariaDB), as the rule counts them.
        .addColumn('content', 'varchar(1000)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      // ListComments: a video's comments, newest first.
      await db.schema.createIndex('comments_by_video_time').on('comments').columns(['video_id', 'created_at', 'id']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('comments').execute();
      await db.schema.dropTable('favorites').execute();
    },
  },
};
