// The video service's tables, plus the outbox's. Runs on SQLite and MariaDB alike.
import type { Kysely } from 'kysely';
import { outboxMigrations } from '#kit/outbox';
import type { Migration } from '#kit/store';

export const videoMigrations: Record<string, Migration> = {
  ...outboxMigrations,
  '0001_create_videos': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('videos')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('author_id', 'bigint', (c) => c.notNull())
        .addColumn('title', 'varchar(400)', (c) => c.notNull())
        .addColumn('play_key', 'varchar(512)', (c) => c.notNull())
        .addColumn('cover_key', 'varchar(512)', (c) => c.notNull())
        // Unique, so "strictly before next_time" pages the feed without repeats or gaps.
        .addColumn('published_at', 'bigint', (c) => c.notNull().unique())
        .addColumn('favorite_count', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('comment_count', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      // An author's works, newest first.
      await db.schema.createIndex('videos_by_author').on('videos').columns(['author_id', 'published_at']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('videos').execute();
    },
  },
};
