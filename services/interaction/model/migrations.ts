// The interaction service's tables, and the outbox's, in its own database. Runs on SQLite and
// MariaDB alike.
import { SqliteAdapter, sql, type Kysely } from 'kysely';
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
  // Likes and comments on any (business, target): the video rows move over as biz "video".
  // The likes get a new table (its key gains biz); the comments table gains columns in place.
  '0002_likes_and_comments_on_any_target': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('likes')
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('biz', 'varchar(16)', (c) => c.notNull())
        .addColumn('target_id', 'bigint', (c) => c.notNull())
        .addColumn('owner_id', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        // A second like of the same target is a no-op; serves is-liked for a page of targets.
        .addPrimaryKeyConstraint('likes_pk', ['user_id', 'biz', 'target_id'])
        .execute();
      // ListFavorites: a user's likes of one business, most recent first.
      await db.schema.createIndex('likes_by_user_time').on('likes').columns(['user_id', 'biz', 'created_at', 'target_id']).execute();
      await sql`INSERT INTO likes (user_id, biz, target_id, owner_id, created_at) SELECT user_id, 'video', video_id, author_id, created_at FROM favorites`.execute(db);
      await db.schema.dropTable('favorites').execute();

      // MariaDB names the table an index is dropped from; SQLite's index names are per schema and it refuses ON.
      const dropIndex = db.schema.dropIndex('comments_by_video_time');
      await (db.getExecutor().adapter instanceof SqliteAdapter ? dropIndex : dropIndex.on('comments')).execute();
      await db.schema.alterTable('comments').renameColumn('video_id', 'target_id').execute();
      for (const [name, type, fallback] of [
        ['biz', 'varchar(16)', 'video'],
        ['owner_id', 'bigint', 0],
        ['root_id', 'bigint', 0],
        ['reply_to_user_id', 'bigint', 0],
        ['reply_count', 'bigint', 0],
      ] as const) {
        await db.schema.alterTable('comments').addColumn(name, type, (c) => c.notNull().defaultTo(fallback)).execute();
      }
      // A target's top-level comments newest first, and a thread's replies oldest first.
      await db.schema.createIndex('comments_by_target').on('comments').columns(['biz', 'target_id', 'root_id', 'created_at', 'id']).execute();
      // Every comment of a video, newest first, for the Douyin list (top-level and replies alike).
      await db.schema.createIndex('comments_by_target_time').on('comments').columns(['biz', 'target_id', 'created_at', 'id']).execute();

      await db.schema
        .createTable('target_counts')
        .addColumn('biz', 'varchar(16)', (c) => c.notNull())
        .addColumn('target_id', 'bigint', (c) => c.notNull())
        .addColumn('like_count', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('comment_count', 'bigint', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('target_counts_pk', ['biz', 'target_id'])
        .execute();
      await sql`INSERT INTO target_counts (biz, target_id, like_count, comment_count) SELECT 'video', target_id, COUNT(*), 0 FROM likes GROUP BY target_id`.execute(db);
      await sql`INSERT INTO target_counts (biz, target_id, like_count, comment_count) SELECT 'video', target_id, 0, 0 FROM comments c WHERE NOT EXISTS (SELECT 1 FROM target_counts t WHERE t.biz = 'video' AND t.target_id = c.target_id) GROUP BY target_id`.execute(db);
      await sql`UPDATE target_counts SET comment_count = (SELECT COUNT(*) FROM comments c WHERE c.biz = 'video' AND c.target_id = target_counts.target_id)`.execute(db);
    },
    // No down: the likes of other businesses have no place in the old tables.
  },
};
