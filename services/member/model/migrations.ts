// The member service's tables, and the applied-event keys of its consumers (#kit/outbox).
// Runs on SQLite and MariaDB alike.
import type { Kysely } from 'kysely';
import { outboxMigrations } from '#kit/outbox';
import type { Migration } from '#kit/store';

export const memberMigrations: Record<string, Migration> = {
  ...outboxMigrations,
  '0001_create_members': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('members')
        .addColumn('user_id', 'bigint', (c) => c.primaryKey())
        .addColumn('points', 'bigint', (c) => c.notNull())
        .addColumn('vip_until', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      // The key the daily cap's conditional update locks: one row per (member, kind, UTC day).
      await db.schema
        .createTable('member_point_days')
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('day', 'integer', (c) => c.notNull())
        .addColumn('events', 'integer', (c) => c.notNull())
        .addColumn('points', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('member_point_days_key', ['user_id', 'kind', 'day'])
        .execute();
      await db.schema
        .createTable('member_awarded')
        .addColumn('ref', 'varchar(96)', (c) => c.primaryKey())
        .addColumn('awarded_at', 'bigint', (c) => c.notNull())
        .execute();
      // VIP purchases keyed by their own id, which is the payment's reference at the pay service, so
      // pay.paid finds the purchase even when a crash kept its payment id from being recorded.
      await db.schema
        .createTable('member_vip_purchases')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('months', 'integer', (c) => c.notNull())
        .addColumn('amount_cents', 'bigint', (c) => c.notNull())
        .addColumn('payment_id', 'bigint', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('applied_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const table of ['member_vip_purchases', 'member_awarded', 'member_point_days', 'members']) await db.schema.dropTable(table).execute();
    },
  },
};
