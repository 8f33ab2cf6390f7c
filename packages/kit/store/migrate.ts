// Runs a service's migrations on open with Kysely's Migrator and an in-code provider.
// Names sort in run order ('0001_create_users' < '0002_add_email'); a pending one sorting before
// one already run still runs (the sets merged from the kit make that happen). Two processes opening the
// same database at once migrate once: MySQL through Kysely's GET_LOCK, SQLite through the
// BEGIN IMMEDIATE lock in sqlite.ts.
import { type Kysely, type MigrationProvider, Migrator } from 'kysely';
import type { Clock } from '#kit/clock';
import { Code, SurgeError } from '#kit/errors';
import { isSqliteBusy } from './sqlite.js';
import type { Migration } from './types.js';

/**
 * Before the lock, Kysely creates its bookkeeping tables with single statements; on SQLite one
 * of them can meet another process's lock and fail busy. Nothing is half done then: run again.
 */
const BUSY_ATTEMPTS = 5;
const BUSY_PAUSE_MS = 50;

export async function runMigrations(db: Kysely<any>, migrations: Record<string, Migration>, clock: Clock): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  // A service's set merges its own migrations with the kit's (kit_outbox_…, kit_saga_…,
  // kit_saga_barrier_…), so a newer one of a set can sort between two a database has already
  // run. Kysely would refuse to start such a database ("corrupted migrations"); each pending one
  // runs instead, in name order, which keeps every set's own order.
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    if (error === undefined) return;
    if (isSqliteBusy(error) && attempt < BUSY_ATTEMPTS) {
      await clock.sleep(BUSY_PAUSE_MS * attempt);
      continue;
    }
    if (error instanceof SurgeError && error.code === Code.Unavailable) throw error;
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    // The name is ours, not the driver's, so it may appear in the message; the cause has the rest.
    throw new SurgeError(Code.Internal, failed ? `database migration ${failed} failed` : 'database migration failed', {
      cause: error instanceof SurgeError && error.cause !== undefined ? error.cause : error,
    });
  }
}

