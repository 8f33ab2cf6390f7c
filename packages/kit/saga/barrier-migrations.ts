// The branch barrier's table, added to a participant service's own migrations so its rows live
// in the same database (and so the same local transaction) as the effects they guard.
import type { Kysely } from 'kysely';
import type { Migration } from '#kit/store';

export interface BarrierTables {
  surge_saga_barrier: { gid: string; branch: string; op: string; created_at: number };
}

// Named after the service's own '0001_…' migrations sort, so a service adds them in any order.
export const barrierMigrations: Record<string, Migration> = {
  kit_saga_barrier_0001: {
    async up(db: Kysely<any>) {
      // (gid, branch, op) is the key the three guarantees stand on: a second insert of it is
      // ignored, and on MariaDB it waits for the first one's transaction to end.
      await db.schema
        .createTable('surge_saga_barrier')
        .addColumn('gid', 'varchar(64)', (c) => c.notNull())
        .addColumn('branch', 'varchar(64)', (c) => c.notNull())
        .addColumn('op', 'varchar(16)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('surge_saga_barrier_key', ['gid', 'branch', 'op'])
        .execute();
      await db.schema.createIndex('surge_saga_barrier_by_age').on('surge_saga_barrier').column('created_at').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('surge_saga_barrier').execute();
    },
  },
};
