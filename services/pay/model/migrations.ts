// The pay service's tables in its own database. Runs on SQLite and MariaDB alike.
import { MysqlAdapter, sql, type Kysely } from 'kysely';
import type { Migration } from '#kit/store';

/** A provider's notification id: compared byte for byte, as SQLite's TEXT is (MariaDB's default collation folds case). */
const exactKey = (db: Kysely<any>) =>
  db.getExecutor().adapter instanceof MysqlAdapter ? sql`varchar(64) character set utf8mb4 collate utf8mb4_bin` : sql`varchar(64)`;

export const payMigrations: Record<string, Migration> = {
  '0001_create_payments': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('payments')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('order_id', 'bigint', (c) => c.notNull())
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('amount_cents', 'bigint', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('provider', 'varchar(32)', (c) => c.notNull())
        .addColumn('open', 'integer')
        .addColumn('refund_due', 'integer', (c) => c.notNull())
        .addColumn('settled', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('paid_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      // One pending payment per order: NULL (not pending) never collides, 1 (pending) once.
      await db.schema.createIndex('payments_one_open').on('payments').columns(['order_id', 'open']).unique().execute();
      // Reconciliation: the rows not yet known to agree with their order, oldest change first.
      await db.schema.createIndex('payments_unsettled').on('payments').columns(['settled', 'updated_at', 'id']).execute();
      await db.schema
        .createTable('notifications')
        .addColumn('id', exactKey(db), (c) => c.primaryKey())
        .addColumn('payment_id', 'bigint', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('notifications').execute();
      await db.schema.dropTable('payments').execute();
    },
  },
};
