// The order service's tables in its own database, with the saga coordinator's and the order
// branch's barrier. Runs on SQLite and MariaDB alike.
import { MysqlAdapter, sql, type Kysely } from 'kysely';
import { barrierMigrations, sagaMigrations } from '#kit/saga';
import type { Migration } from '#kit/store';

/**
 * A key a client or the pay service chose (an idempotency key, a payment id): compared byte for
 * byte, as SQLite's TEXT is, so 'Key-1' and 'key-1' are two keys on MariaDB too (its default
 * collation folds case).
 */
const exactKey = (db: Kysely<any>) =>
  db.getExecutor().adapter instanceof MysqlAdapter ? sql`varchar(64) character set utf8mb4 collate utf8mb4_bin` : sql`varchar(64)`;

const own: Record<string, Migration> = {
  '0001_create_addresses': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('addresses')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('name', 'varchar(80)', (c) => c.notNull())
        .addColumn('phone', 'varchar(20)', (c) => c.notNull())
        .addColumn('province', 'varchar(80)', (c) => c.notNull())
        .addColumn('city', 'varchar(80)', (c) => c.notNull())
        .addColumn('district', 'varchar(80)', (c) => c.notNull())
        .addColumn('detail', 'varchar(400)', (c) => c.notNull())
        .addColumn('is_default', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('addresses_by_user').on('addresses').columns(['user_id', 'id']).execute();
      await db.schema
        .createTable('address_books')
        .addColumn('user_id', 'bigint', (c) => c.primaryKey())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('address_books').execute();
      await db.schema.dropTable('addresses').execute();
    },
  },
  '0002_create_orders': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('orders')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('gid', 'varchar(64)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('total_cents', 'bigint', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('cancel_reason', 'varchar(16)', (c) => c.notNull())
        .addColumn('payment_id', exactKey(db), (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('paid_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      // ListOrders: a user's orders newest first, all or of one status.
      await db.schema.createIndex('orders_by_user').on('orders').columns(['user_id', 'id']).execute();
      await db.schema.createIndex('orders_by_user_status').on('orders').columns(['user_id', 'status', 'id']).execute();
      // The start-up pass over unpaid orders (their payment timeouts).
      await db.schema.createIndex('orders_by_status').on('orders').columns(['status', 'id']).execute();
      await db.schema
        .createTable('order_lines')
        .addColumn('order_id', 'bigint', (c) => c.notNull())
        .addColumn('idx', 'integer', (c) => c.notNull())
        .addColumn('product_id', 'bigint', (c) => c.notNull())
        .addColumn('name', 'varchar(400)', (c) => c.notNull())
        .addColumn('image_url', 'varchar(600)', (c) => c.notNull())
        .addColumn('price_cents', 'bigint', (c) => c.notNull())
        .addColumn('quantity', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('order_lines_pk', ['order_id', 'idx'])
        .execute();
      await db.schema
        .createTable('order_requests')
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('idem_key', exactKey(db), (c) => c.notNull())
        .addColumn('order_id', 'bigint', (c) => c.notNull())
        .addColumn('gid', 'varchar(64)', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('order_requests_pk', ['user_id', 'idem_key'])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('order_requests').execute();
      await db.schema.dropTable('order_lines').execute();
      await db.schema.dropTable('orders').execute();
    },
  },
  // One order per gid: a flash-sale ticket's gid (seckill:<sale>:<ticket>) is written with its
  // order, so two calls for one ticket, on any instances, can never both commit an order. The
  // saga's gids (order-<id>) were unique already, so existing rows pass.
  '0003_unique_order_gid': {
    async up(db: Kysely<any>) {
      await db.schema.createIndex('orders_by_gid').unique().on('orders').column('gid').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('orders_by_gid').on('orders').execute();
    },
  },
  // A flash-sale ticket's one answer, an order (its id) or a refusal (0), claimed by the first call
  // that decides it (model/flash-orders.ts). The tickets ordered before it are claimed as ordered.
  '0004_flash_claims': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('flash_claims')
        .addColumn('gid', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('order_id', 'bigint', (c) => c.notNull())
        .execute();
      await db.insertInto('flash_claims').columns(['gid', 'order_id']).expression(db.selectFrom('orders').select(['gid', 'id']).where('gid', 'like', 'seckill:%')).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('flash_claims').execute();
    },
  },
};

export const orderMigrations: Record<string, Migration> = { ...own, ...sagaMigrations, ...barrierMigrations };
