// The store's public shapes: where a service's database lives, its migrations, and the
// handle service code gets back. Service code writes one set of Kysely queries for both
// dialects and uses the helpers here where the SQL differs.
import type { Expression, ExpressionBuilder, Insertable, Kysely, SqlBool, Transaction, Updateable } from 'kysely';
import type { Clock } from '#kit/clock';

/** Embedded mode: one SQLite file per service, `<dir>/<service>.sqlite`. */
export interface SqliteConfig {
  dialect: 'sqlite';
  /** Folder of the database files, created if missing; ':memory:' keeps the database in memory (tests). */
  dir: string;
  /** How long a writer waits for another process's write lock before failing with Unavailable. Default 5000 ms. */
  busyTimeoutMs?: number;
}

/** Distributed mode: one MariaDB/MySQL database per service, `<databasePrefix>_<service>`. */
export interface MysqlConfig {
  dialect: 'mysql';
  host: string;
  port: number;
  user: string;
  password: string;
  /** Prefix of every database name, e.g. 'surge' → database 'surge_user'. Letters, digits, '_'. */
  databasePrefix: string;
  /** Connections kept per service. Default 10: enough for one process, small next to max_connections. */
  poolSize?: number;
  /**
   * How long opening a connection may take before the query fails with Unavailable.
   * Default 2000 ms: while the server is down, callers should hear so quickly, not hang.
   */
  connectTimeoutMs?: number;
}

export type DatabaseConfig = SqliteConfig | MysqlConfig;

/** A schema change. `up` must use the portable subset of Kysely's schema builder. */
export interface Migration {
  up(db: Kysely<any>): Promise<void>;
  down?(db: Kysely<any>): Promise<void>;
}

/** One executed statement, for query counting and slow-query logs. Never show `sql` to clients. */
export interface QueryEvent {
  sql: string;
  durationMs: number;
  /** The SurgeError the statement failed with, if it failed. */
  error?: unknown;
}

export interface OpenServiceDatabaseOptions {
  config: DatabaseConfig;
  /** Service name: names the file or database. Lower-case letters, digits, '_'. */
  service: string;
  /** Migrations by name; names sort in the order they run, e.g. '0001_create_users'. */
  migrations: Record<string, Migration>;
  /** Called after every executed statement (Kysely's log hook). Default: none. */
  onQuery?: (event: QueryEvent) => void;
  /** Time source for waiting on another process's migration lock. Default systemClock. */
  clock?: Clock;
}

/** Run a helper on this executor (a transaction) instead of the service's `db`. */
export interface ExecutorOption<DB> {
  executor?: Kysely<DB>;
}

export interface UpsertOptions<DB, T extends keyof DB & string> extends ExecutorOption<DB> {
  /** Columns of the unique key or primary key that decides "same row". */
  conflict: readonly (keyof DB[T] & string)[];
  /** Columns to overwrite with the new values when the row exists; default every column not in `conflict`. */
  update?: readonly (keyof Updateable<DB[T]> & string)[];
}

export interface ServiceDatabase<DB> {
  readonly db: Kysely<DB>;
  readonly dialect: 'sqlite' | 'mysql';
  /**
   * Runs fn in one transaction: commit when it resolves, roll back when it throws (the error
   * passes through). When MariaDB picks the transaction as a deadlock's victim, fn runs again
   * from the start (up to 4 runs in all): keep effects outside the database until it resolves.
   */
  transaction<T>(fn: (trx: Transaction<DB>) => Promise<T>): Promise<T>;
  /** Resolves when the database answers; SurgeError(Unavailable, dependency 'database') otherwise. */
  ping(): Promise<void>;
  /** Inserts one row and returns its auto-increment id (both dialects; no `returning` needed). */
  insertReturningId<T extends keyof DB & string>(table: T, values: Insertable<DB[T]>, options?: ExecutorOption<DB>): Promise<number>;
  /**
   * Inserts one row, or many in one statement, leaving out each row a unique key already holds;
   * resolves true when at least one row was inserted (an empty list inserts nothing, false).
   * On MySQL this is INSERT IGNORE, which also turns some data errors into warnings: validate first.
   */
  insertIgnore<T extends keyof DB & string>(table: T, values: Insertable<DB[T]> | readonly Insertable<DB[T]>[], options?: ExecutorOption<DB>): Promise<boolean>;
  /**
   * Inserts rows of one shape (same columns, same order), skipping those whose key is taken when
   * `ignore`; resolves how many were inserted. For batches: on SQLite one prepared single-row
   * statement per row (no per-value compiling), on MySQL one multi-row statement.
   */
  insertRows<T extends keyof DB & string>(table: T, rows: readonly Insertable<DB[T]>[], options?: ExecutorOption<DB> & { ignore?: boolean }): Promise<number>;
  /** Inserts one row, or updates the `update` columns of the row holding the same `conflict` key. */
  upsert<T extends keyof DB & string>(table: T, values: Insertable<DB[T]>, options: UpsertOptions<DB, T>): Promise<void>;
  /**
   * Adds 1 to an integer column of the one row `where` picks and resolves its new value, in one
   * statement (a counter that hands out numbers: a room's next message seq). Undefined when no
   * row matched. In a transaction the row stays locked to its end, so the numbers never repeat.
   */
  increment<T extends keyof DB & string>(
    table: T,
    column: keyof DB[T] & string,
    where: (eb: ExpressionBuilder<DB, T>) => Expression<SqlBool>,
    options?: ExecutorOption<DB>,
  ): Promise<number | undefined>;
  close(): Promise<void>;
}
