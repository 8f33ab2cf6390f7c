// openServiceDatabase: the one way a service gets its database. Picks the dialect from config,
// creates the file or database, runs the migrations, and hands back Kysely plus the few helpers
// that hide dialect differences.
import { type Dialect, Kysely, type LogEvent, type Transaction, sql } from 'kysely';
import { errors, SurgeError } from '#kit/errors';
import { retryDeadlocks } from './deadlock.js';
import { DATABASE } from './errors.js';
import { runMigrations } from './migrate.js';
import { ensureMysqlDatabase, mysqlDialect } from './mysql.js';
import { resolveServiceDatabaseOptions } from './options.js';
import { openSqlite } from './sqlite.js';
import type { OpenServiceDatabaseOptions, QueryEvent, ServiceDatabase } from './types.js';
import { increment, insertIgnore, insertReturningId, insertRows, upsert } from './writes.js';

function queryLogger(onQuery: (e: QueryEvent) => void) {
  return (event: LogEvent) => {
    const e: QueryEvent = { sql: event.query.sql, durationMs: event.queryDurationMillis };
    if (event.level === 'error') e.error = event.error;
    onQuery(e);
  };
}

export async function openServiceDatabase<DB>(options: OpenServiceDatabaseOptions): Promise<ServiceDatabase<DB>> {
  const resolved = resolveServiceDatabaseOptions(options);
  const { target, clock } = resolved;

  let dialect: Dialect;
  let afterMigrations = () => {};
  let released = () => Promise.resolve();
  if (target.dialect === 'sqlite') {
    const sqlite = openSqlite(target, clock);
    dialect = sqlite.dialect;
    // busy_timeout 0 while migrating: see SqliteLockingAdapter.
    sqlite.setBusyTimeout(0);
    afterMigrations = () => sqlite.setBusyTimeout(target.busyTimeoutMs);
    released = () => sqlite.released();
  } else {
    await ensureMysqlDatabase(target);
    dialect = mysqlDialect(target);
  }

  const db = new Kysely<DB>({ dialect, ...(resolved.onQuery ? { log: queryLogger(resolved.onQuery) } : {}) });
  try {
    await runMigrations(db as Kysely<any>, resolved.migrations, clock);
    afterMigrations();
  } catch (err) {
    await db.destroy().then(released, () => {
      // The open already failed; the error being thrown says why, a failing close adds nothing.
    });
    throw err instanceof SurgeError ? err : errors.internal(err);
  }
  return new KyselyServiceDatabase<DB>(db, target.dialect, released);
}

class KyselyServiceDatabase<DB> implements ServiceDatabase<DB> {
  private closing: Promise<void> | undefined;

  constructor(
    readonly db: Kysely<DB>,
    readonly dialect: 'sqlite' | 'mysql',
    /** Resolves once nothing else holds the database open (SQLite's checkpoint worker). */
    private readonly released: () => Promise<void>,
  ) {}

  transaction<T>(fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    return retryDeadlocks(() => this.db.transaction().execute(fn));
  }

  async ping(): Promise<void> {
    try {
      await sql`select 1`.execute(this.db);
    } catch (err) {
      // Whatever stops `select 1` means the database does not answer for this service.
      throw errors.unavailable(DATABASE, err instanceof SurgeError && err.cause !== undefined ? err.cause : err);
    }
  }

  insertReturningId: ServiceDatabase<DB>['insertReturningId'] = (table, values, options) =>
    insertReturningId(options?.executor ?? this.db, table, values as Record<string, unknown>);

  insertRows: ServiceDatabase<DB>['insertRows'] = (table, rows, options) =>
    insertRows(this.dialect, options?.executor ?? this.db, table, rows as readonly Record<string, unknown>[], options?.ignore ?? false);

  insertIgnore: ServiceDatabase<DB>['insertIgnore'] = (table, values, options) =>
    insertIgnore(this.dialect, options?.executor ?? this.db, table, values as Record<string, unknown> | readonly Record<string, unknown>[]);

  upsert: ServiceDatabase<DB>['upsert'] = (table, values, options) =>
    upsert(this.dialect, options.executor ?? this.db, table, values as Record<string, unknown>, options.conflict, options.update);

  increment: ServiceDatabase<DB>['increment'] = (table, column, where, options) =>
    increment(this.dialect, options?.executor ?? this.db, table, column, where as never);

  close(): Promise<void> {
    // Idempotent: a service's shutdown hook and a test's afterAll may both call it.
    this.closing ??= this.db.destroy().then(this.released);
    return this.closing;
  }
}
