// The feed service's tables, and the applied-event keys of its follow consumer (#kit/outbox).
// Runs on SQLite and MariaDB alike.
import type { Kysely } from 'kysely';
import { outboxMigrations } from '#kit/outbox';
import type { Migration } from '#kit/store';

export const feedMigrations: Record<string, Migration> = {
  ...outboxMigrations,
  '0001_create_feed': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('inbox')
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('article_id', 'bigint', (c) => c.notNull())
        .addColumn('author_id', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('inbox_key', ['user_id', 'article_id'])
        .execute();
      // A feed page is a range scan of one user's rows, newest first.
      await db.schema.createIndex('inbox_newest').on('inbox').columns(['user_id', 'created_at', 'article_id']).execute();
      // An unfollow drops one author's rows from one inbox; a delete drops one article's rows from all.
      await db.schema.createIndex('inbox_by_author').on('inbox').columns(['user_id', 'author_id']).execute();
      await db.schema.createIndex('inbox_by_article').on('inbox').column('article_id').execute();

      for (const table of ['articles', 'pulled']) {
        let create = db.schema
          .createTable(table)
          .addColumn('article_id', 'bigint', (c) => c.primaryKey())
          .addColumn('author_id', 'bigint', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull());
        if (table === 'articles') create = create.addColumn('deleted', 'smallint', (c) => c.notNull().defaultTo(0));
        await create.execute();
        // An author's newest: the backfill (articles) and the pull (pulled), each a range scan.
        await db.schema.createIndex(`${table}_author_newest`).on(table).columns(['author_id', 'created_at', 'article_id']).execute();
      }

      await db.schema
        .createTable('follower_counts')
        .addColumn('author_id', 'bigint', (c) => c.primaryKey())
        .addColumn('follower_count', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const table of ['follower_counts', 'pulled', 'articles', 'inbox']) await db.schema.dropTable(table).execute();
    },
  },
};
