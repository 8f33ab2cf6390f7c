// The coordinator's two tables, added to the migrations of the service that runs the coordinator
// (the one starting the transactions, e.g. order), so its sagas live in that service's database.
import type { Kysely } from 'kysely';
import type { Migration } from '#kit/store';

/** Where a transaction is: driving forward, compensating, finished, or waiting for an operator. */
export type SagaStatus = 'running' | 'succeeded' | 'compensated' | 'stuck';
/** Which operation the step cursor points at: actions go forward, compensations backward. */
export type SagaPhase = 'action' | 'compensate';

export interface SagaTables {
  surge_saga: {
    gid: string;
    /** The definition's name: which branches to call on resume. */
    saga: string;
    status: SagaStatus;
    phase: SagaPhase;
    /** Index of the branch whose operation runs next (−1 once every compensation ran). */
    step: number;
    /**
     * Attempts started at this step; counted before each call, so a crash mid-call counts too (a
     * step's first call by the write that reaches the step: the row's creation, the previous move).
     */
    attempts: number;
    /** The payload as JSON, bounded by maxPayloadBytes. */
    payload: string;
    /** The coordinator instance driving it; '' when nobody is. */
    owner: string;
    /** Wall ms until which owner may drive it undisturbed; after that any instance may claim it. */
    lease_until: number;
    /** The last failure at this step (0 / '' when none). */
    error_code: number;
    error: string;
    /** The business refusal that turned the transaction to compensating (0 / '' when none). */
    reason_code: number;
    reason: string;
    /** The refusal's details as JSON ('' when none or too long to keep): a replay answers them too. */
    reason_details: string;
    created_at: number;
    updated_at: number;
    /** Wall ms it reached succeeded or compensated; 0 before. */
    finished_at: number;
  };
  surge_saga_branch: {
    gid: string;
    idx: number;
    name: string;
    /** 'pending' | 'done' | 'refused' */
    action: string;
    /** 'none' | 'done' */
    compensation: string;
    updated_at: number;
  };
}

export const sagaMigrations: Record<string, Migration> = {
  kit_saga_0001: {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('surge_saga')
        .addColumn('gid', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('saga', 'varchar(100)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('phase', 'varchar(16)', (c) => c.notNull())
        .addColumn('step', 'integer', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('owner', 'varchar(64)', (c) => c.notNull())
        .addColumn('lease_until', 'bigint', (c) => c.notNull())
        .addColumn('error_code', 'integer', (c) => c.notNull())
        .addColumn('error', 'text', (c) => c.notNull())
        .addColumn('reason_code', 'integer', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint', (c) => c.notNull())
        .execute();
      // The resume scan (running rows whose lease ran out) and the retention scan.
      await db.schema.createIndex('surge_saga_by_lease').on('surge_saga').columns(['status', 'lease_until']).execute();
      await db.schema.createIndex('surge_saga_by_finish').on('surge_saga').columns(['status', 'finished_at']).execute();
      await db.schema
        .createTable('surge_saga_branch')
        .addColumn('gid', 'varchar(64)', (c) => c.notNull())
        .addColumn('idx', 'integer', (c) => c.notNull())
        .addColumn('name', 'varchar(64)', (c) => c.notNull())
        .addColumn('action', 'varchar(16)', (c) => c.notNull())
        .addColumn('compensation', 'varchar(16)', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('surge_saga_branch_key', ['gid', 'idx'])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('surge_saga_branch').execute();
      await db.schema.dropTable('surge_saga').execute();
    },
  },
  kit_saga_0002_reason_details: {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('surge_saga').addColumn('reason_details', 'varchar(1000)', (c) => c.notNull().defaultTo('')).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('surge_saga').dropColumn('reason_details').execute();
    },
  },
};
