// The outbox's two tables, added to a service's own migrations so they live in its database:
// events are written in the same transaction as the fact they report, and consumers record the
// events they applied in the same transaction as the effect.
import type { Kysely } from 'kysely';
import type { Migration } from '#kit/store';

export interface OutboxTables {
  surge_outbox: { id: string; topic: string; payload: string; created_at: number };
  surge_applied_events: { id: string; applied_at: number };
}

// Named after the service's own '0001_…' migrations sort, so a service adds them in any order.
export const outboxMigrations: Record<string, Migration> = {
  kit_outbox_0001: {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('surge_outbox')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('topic', 'varchar(200)', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('surge_outbox_by_age').on('surge_outbox').columns(['created_at', 'id']).execute();
      // 191 characters: the longest utf8mb4 key MariaDB indexes on every row format.
      await db.schema
        .createTable('surge_applied_events')
        .addColumn('id', 'varchar(191)', (c) => c.primaryKey())
        .addColumn('applied_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('surge_applied_by_age').on('surge_applied_events').column('applied_at').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('surge_applied_events').execute();
      await db.schema.dropTable('surge_outbox').execute();
    },
  },
};
