// The relation service's tables, and the outbox's. Runs on SQLite and MariaDB alike.
import { MysqlAdapter, type Kysely } from 'kysely';
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
  // The lists order follows by created_at, then by the other user's id, and the paged lists start
  // a page after such a pair (keyset). Ending each index with the other user's id reads either
  // order straight off it, ties included, however deep the page. InnoDB already appended the
  // primary key to a secondary index; SQLite appended the rowid, and sorted each page's ties
  // (USE TEMP B-TREE FOR LAST TERM OF ORDER BY). The old indexes are prefixes of the new ones:
  // dropped, after the new ones exist, so no list is ever without one.
  '0002_follows_lists_by_time': {
    async up(db: Kysely<any>) {
      await db.schema.createIndex('follows_following_by_time').on('follows').columns(['follower_id', 'created_at', 'followee_id']).execute();
      await db.schema.createIndex('follows_followers_by_time').on('follows').columns(['followee_id', 'created_at', 'follower_id']).execute();
      for (const old of ['follows_following', 'follows_followers']) await dropIndex(db, old);
    },
    async down(db: Kysely<any>) {
      await db.schema.createIndex('follows_following').on('follows').columns(['follower_id', 'created_at']).execute();
      await db.schema.createIndex('follows_followers').on('follows').columns(['followee_id', 'created_at']).execute();
      for (const name of ['follows_following_by_time', 'follows_followers_by_time']) await dropIndex(db, name);
    },
  },
};

/** MariaDB names the table an index is dropped from; SQLite's DROP INDEX takes no table. */
const dropIndex = (db: Kysely<any>, name: string) => {
  const drop = db.schema.dropIndex(name);
  return (db.getExecutor().adapter instanceof MysqlAdapter ? drop.on('follows') : drop).execute();
};
