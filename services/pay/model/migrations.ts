// The pay service's tables in its own database. Runs on SQLite and MariaDB alike.
import { MysqlAdapter, sql, type Kysely } from 'kysely';
import { outboxMigrations } from '#kit/outbox';
import type { Migration } from '#kit/store';

/** A provider's notification id: compared byte for byte, as SQLite's TEXT is (MariaDB's default collation folds case). */
const exactKey = (db: Kysely<any>) =>
  db.getExecutor().adapter instanceof MysqlAdapter ? sql`varchar(64) character set utf8mb4 collate utf8mb4_bin` : sql`varchar(64)`;

export const payMigrations: Record<string, Migration> = {
  // pay.paid is written in the transaction that marks a payment paid.
  ...outboxMigrations,
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
  // Payments for other purposes than orders: a purpose and the buyer's reference on every row
  // (existing rows are orders: their reference is their order id), and the one-pending key moved
  // from (order_id, open) to (purpose, reference, open), since every non-order payment has order 0.
  '0002_payment_purposes': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('payments').addColumn('purpose', 'varchar(16)', (c) => c.notNull().defaultTo('order')).execute();
      await db.schema.alterTable('payments').addColumn('reference', 'varchar(64)', (c) => c.notNull().defaultTo('')).execute();
      await sql`UPDATE payments SET reference = CAST(order_id AS CHAR) WHERE purpose = 'order'`.execute(db);
      await dropIndex(db, 'payments_one_open');
      await db.schema.createIndex('payments_one_open').on('payments').columns(['purpose', 'reference', 'open']).unique().execute();
      // CreatePayment's look-ups of an order's payments.
      await db.schema.createIndex('payments_by_order').on('payments').columns(['order_id', 'status']).execute();
    },
    async down(db: Kysely<any>) {
      await dropIndex(db, 'payments_by_order');
      await dropIndex(db, 'payments_one_open');
      await sql`DELETE FROM payments WHERE purpose <> 'order'`.execute(db);
      await db.schema.createIndex('payments_one_open').on('payments').columns(['order_id', 'open']).unique().execute();
      await db.schema.alterTable('payments').dropColumn('reference').execute();
      await db.schema.alterTable('payments').dropColumn('purpose').execute();
    },
  },
};

/** MariaDB names the table an index is dropped from; SQLite's DROP INDEX takes no table. */
const dropIndex = (db: Kysely<any>, name: string) => {
  const drop = db.schema.dropIndex(name);
  return (db.getExecutor().adapter instanceof MysqlAdapter ? drop.on('payments') : drop).execute();
};
