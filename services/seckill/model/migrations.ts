// The seckill service's tables in its own database. Runs on SQLite and MariaDB alike.
import { MysqlAdapter, sql, type Kysely } from 'kysely';
import type { Migration } from '#kit/store';

export const seckillMigrations: Record<string, Migration> = {
  '0001_create_flash_sales': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('flash_sales')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('product_id', 'bigint', (c) => c.notNull())
        .addColumn('name', 'varchar(200)', (c) => c.notNull())
        .addColumn('image_url', 'varchar(500)', (c) => c.notNull())
        .addColumn('price_cents', 'bigint', (c) => c.notNull())
        .addColumn('original_price_cents', 'bigint', (c) => c.notNull())
        .addColumn('stock', 'bigint', (c) => c.notNull())
        .addColumn('buckets', 'integer', (c) => c.notNull())
        .addColumn('per_user_limit', 'integer', (c) => c.notNull())
        .addColumn('start_at', 'bigint', (c) => c.notNull())
        .addColumn('end_at', 'bigint', (c) => c.notNull())
        .addColumn('state', 'varchar(16)', (c) => c.notNull())
        .addColumn('left_at_end', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      // The keeper's rounds: sales by state, soonest ending first.
      await db.schema.createIndex('flash_sales_by_state').on('flash_sales').columns(['state', 'end_at']).execute();

      await db.schema
        .createTable('flash_tickets')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('sale_id', 'bigint', (c) => c.notNull())
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('quantity', 'integer', (c) => c.notNull())
        .addColumn('address_id', 'bigint', (c) => c.notNull())
        .addColumn('bucket', 'integer', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('order_id', 'bigint', (c) => c.notNull())
        .addColumn('release_reason', 'varchar(16)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      // Embedded start-up rebuilds a sale's counts from its tickets.
      await db.schema.createIndex('flash_tickets_by_sale').on('flash_tickets').columns(['sale_id', 'status']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('flash_tickets').execute();
      await db.schema.dropTable('flash_sales').execute();
    },
  },
  '0002_create_flash_journal': {
    async up(db: Kysely<any>) {
      // The embedded journal (model/ticket-journal.ts): one row per group of reservations written
      // together. On the servers the journal is Redis and this table stays empty. A group is a
      // turn's buys, tens of kilobytes under a flood: past MariaDB's TEXT (64 KB).
      const text = db.getExecutor().adapter instanceof MysqlAdapter ? sql`mediumtext` : sql`text`;
      await db.schema
        .createTable('flash_journal')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('tickets', text, (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('flash_journal').execute();
    },
  },
};
