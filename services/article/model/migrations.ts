// The article service's tables, and the applied-event keys of its count consumer (#kit/outbox).
// Runs on SQLite and MariaDB alike.
import { SqliteAdapter, sql, type Kysely } from 'kysely';
import { outboxMigrations } from '#kit/outbox';
import { termColumnType } from '#kit/search';
import type { Migration } from '#kit/store';
import { hotScore } from './hot.js';

export const articleMigrations: Record<string, Migration> = {
  ...outboxMigrations,
  '0001_create_articles': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('articles')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('author_id', 'bigint', (c) => c.notNull())
        .addColumn('title', 'varchar(400)', (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('cover_url', 'varchar(512)', (c) => c.notNull())
        .addColumn('tags', 'varchar(1000)', (c) => c.notNull())
        .addColumn('like_count', 'bigint', (c) => c.notNull())
        .addColumn('comment_count', 'bigint', (c) => c.notNull())
        .addColumn('view_count', 'bigint', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      // One index per author list order: each page is a range scan of one author's rows.
      await db.schema.createIndex('articles_author_newest').on('articles').columns(['author_id', 'status', 'created_at', 'id']).execute();
      await db.schema.createIndex('articles_author_likes').on('articles').columns(['author_id', 'status', 'like_count', 'id']).execute();

      await db.schema
        .createTable('article_terms')
        .addColumn('term', termColumnType(db), (c) => c.notNull())
        .addColumn('article_id', 'bigint', (c) => c.notNull())
        .addColumn('weight', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('article_terms_key', ['term', 'article_id'])
        .execute();
      // An article's terms, to replace them on edit and drop them on delete.
      await db.schema.createIndex('article_terms_by_article').on('article_terms').column('article_id').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('article_terms').execute();
      await db.schema.dropTable('articles').execute();
    },
  },
  // MariaDB's TEXT holds 65,535 bytes: 20,000 characters of emoji (4 bytes each) need MEDIUMTEXT.
  // SQLite's TEXT has no such bound.
  '0002_article_content_mediumtext': {
    async up(db: Kysely<any>) {
      if (db.getExecutor().adapter instanceof SqliteAdapter) return;
      await db.schema.alterTable('articles').modifyColumn('content', sql`mediumtext`, (c) => c.notNull()).execute();
    },
  },
  // The hot list: a stored score (model/hot.ts) and the index it pages on.
  '0003_article_hot_score': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('articles').addColumn('hot_score', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
      const rows = await db.selectFrom('articles').select(['id', 'like_count', 'comment_count', 'view_count', 'created_at']).execute();
      for (const r of rows) {
        const score = hotScore({ likeCount: Number(r.like_count), commentCount: Number(r.comment_count), viewCount: Number(r.view_count), createdAt: Number(r.created_at) });
        await db.updateTable('articles').set({ hot_score: score }).where('id', '=', r.id).execute();
      }
      await db.schema.createIndex('articles_hot').on('articles').columns(['status', 'hot_score', 'id']).execute();
    },
  },
};
