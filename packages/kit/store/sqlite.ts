// Embedded mode: one better-sqlite3 connection per service file, through Kysely's SqliteDialect.
// WAL lets readers run beside the one writer; synchronous=NORMAL is durable across process
// crashes in WAL mode (only an OS crash can lose the last commits), at a fraction of FULL's fsyncs.
// Checkpoints run on a worker thread (sqlite-checkpoints.ts), not inside a commit.
import { mkdirSync } from 'node:fs';
import Database from 'better-sqlite3';
import { type Dialect, type Kysely, SqliteAdapter, SqliteDialect, sql } from 'kysely';
import type { Clock } from '#kit/clock';
import { SurgeError } from '#kit/errors';
import { errorMappingDialect } from './error-mapping-dialect.js';
import { toStoreError } from './errors.js';
import type { ResolvedSqlite } from './options.js';
import { checkpointInBackground } from './sqlite-checkpoints.js';

/** Pause between attempts at another process's migration lock. */
const LOCK_RETRY_MS = 20;
/** Give up waiting for a migration lock after this long (a migration holding it longer is stuck). */
const LOCK_WAIT_MS = 30_000;

export function isSqliteBusy(err: unknown): boolean {
  const raw = err instanceof SurgeError ? err.cause : err;
  const code = (raw as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/**
 * Kysely's SQLite adapter takes no migration lock (it assumes one connection per file), so two
 * processes opening the same file could both run a migration. This one holds SQLite's write lock
 * (BEGIN IMMEDIATE) from before the Migrator reads its state until it is done, so the second
 * process waits, then finds nothing pending. The lock is taken by polling with busy_timeout = 0
 * (set by the caller for the whole migration): SQLite's own busy wait blocks the event loop,
 * which would also block a holder living in the same process.
 */
class SqliteLockingAdapter extends SqliteAdapter {
  private locked = false;

  constructor(private readonly clock: Clock) {
    super();
  }

  override async acquireMigrationLock(db: Kysely<any>): Promise<void> {
    const deadline = this.clock.monotonic() + LOCK_WAIT_MS;
    for (;;) {
      try {
        await sql`begin immediate`.execute(db);
        this.locked = true;
        return;
      } catch (err) {
        if (!isSqliteBusy(err) || this.clock.monotonic() >= deadline) throw err;
      }
      await this.clock.sleep(LOCK_RETRY_MS);
    }
  }

  override async releaseMigrationLock(db: Kysely<any>): Promise<void> {
    // Kysely calls this even when acquiring failed; only commit a transaction we began.
    // Like Kysely's default on SQLite, a failed migration keeps the statements that ran.
    if (!this.locked) return;
    this.locked = false;
    await sql`commit`.execute(db);
  }
}

export interface SqliteHandle {
  dialect: Dialect;
  /** Sets busy_timeout: 0 while migrating (see SqliteLockingAdapter), the configured value after. */
  setBusyTimeout(ms: number): void;
  /** After the connection closed: resolves once the checkpoint worker let go of the file too. */
  released(): Promise<void>;
}

export function openSqlite(target: ResolvedSqlite, clock: Clock): SqliteHandle {
  let database: Database.Database | undefined;
  try {
    if (target.dir !== undefined) mkdirSync(target.dir, { recursive: true });
    database = new Database(target.file);
    // busy_timeout first: the WAL switch below needs a lock another process may hold.
    // exec, not pragma(): pragma() prepares a statement per call, garbage the collector then
    // finalizes (see reusingStatements for why that matters on Node 24); exec prepares none.
    database.exec(`PRAGMA busy_timeout = ${target.busyTimeoutMs}`);
    database.exec('PRAGMA journal_mode = WAL');
    database.exec('PRAGMA synchronous = NORMAL');
    database.exec('PRAGMA foreign_keys = ON');
  } catch (err) {
    database?.close();
    throw toStoreError(err);
  }
  const opened = database;
  const checkpoints = target.file === ':memory:'
    ? undefined
    : checkpointInBackground({ file: target.file, autocheckpoint: (pages) => opened.exec(`PRAGMA wal_autocheckpoint = ${pages}`) });
  let released: Promise<void> = Promise.resolve();
  const connection = reusingStatements(opened, () => {
    if (checkpoints) released = checkpoints.stop();
  });
  return {
    released: () => released,
    dialect: errorMappingDialect(new SqliteDialect({ database: connection }), new SqliteLockingAdapter(clock)),
    setBusyTimeout: (ms) => {
      opened.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(ms))}`);
    },
  };
}

/** Prepared statements kept per connection, by SQL text. */
const STATEMENTS_KEPT = 1000;

/**
 * The connection as Kysely's SqliteDialect sees it, with each SQL text prepared once and reused
 * (least recently used dropped past STATEMENTS_KEPT). Preparing is most of a small query's cost,
 * and a statement that is never dropped is never finalized by the garbage collector: on Node 24,
 * better-sqlite3 12's finalizer can abort the process (`Assertion failed: (env) != nullptr` in
 * RemoveEnvironmentCleanupHook, an upstream bug fixed only in 13.x, which needs Node 22). Reuse
 * is safe because better-sqlite3 runs each statement to completion synchronously; nothing in
 * Surge streams a query (Kysely's stream() would iterate one, and a second use would fail).
 */
function reusingStatements(db: Database.Database, beforeClose: () => void): { prepare(sql: string): Database.Statement; close(): void } {
  const kept = new Map<string, Database.Statement>();
  return {
    prepare(sql) {
      let statement = kept.get(sql);
      if (statement) kept.delete(sql);
      else statement = db.prepare(sql);
      kept.set(sql, statement);
      if (kept.size > STATEMENTS_KEPT) kept.delete(kept.keys().next().value!);
      return statement;
    },
    close: () => {
      beforeClose();
      db.close();
    },
  };
}
