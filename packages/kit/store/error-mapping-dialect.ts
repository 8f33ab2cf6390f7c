// Wraps a Kysely dialect so that every error leaving the driver is already a SurgeError
// (errors.ts decides the code). Kysely has no error hook, and service code runs its own
// queries on `db`, so the driver is the one place every statement passes through.
import type {
  CompiledQuery, DatabaseConnection, Dialect, DialectAdapter, Driver, Kysely, QueryCompiler, QueryResult,
  TransactionSettings, DatabaseIntrospector,
} from 'kysely';
import { retryDeadlocks } from './deadlock.js';
import { toStoreError } from './errors.js';

async function mapped<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw toStoreError(err);
  }
}

class MappedConnection implements DatabaseConnection {
  /** Set between begin and commit/rollback: a deadlock inside rolled back more than this statement. */
  inTransaction = false;

  constructor(readonly inner: DatabaseConnection) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    // inner may throw synchronously (better-sqlite3 prepare): mapped() catches both.
    const run = () => mapped(() => this.inner.executeQuery<R>(query));
    // A statement on its own was its own transaction: running it again is safe. In a
    // transaction the whole of it must run again (ServiceDatabase.transaction does).
    return this.inTransaction ? run() : retryDeadlocks(run);
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    try {
      yield* this.inner.streamQuery<R>(query, chunkSize);
    } catch (err) {
      throw toStoreError(err);
    }
  }
}

class MappedDriver implements Driver {
  // One wrapper per driver connection, so Kysely sees a stable object per connection.
  private readonly wrappers = new WeakMap<DatabaseConnection, MappedConnection>();

  constructor(private readonly inner: Driver) {}

  private unwrap(c: DatabaseConnection): DatabaseConnection {
    return c instanceof MappedConnection ? c.inner : c;
  }

  init(): Promise<void> {
    return mapped(() => this.inner.init());
  }

  acquireConnection(): Promise<DatabaseConnection> {
    return mapped(async () => {
      const raw = await this.inner.acquireConnection();
      let wrapper = this.wrappers.get(raw);
      if (!wrapper) {
        wrapper = new MappedConnection(raw);
        this.wrappers.set(raw, wrapper);
      }
      return wrapper;
    });
  }

  private marked(c: DatabaseConnection, inTransaction: boolean): void {
    if (c instanceof MappedConnection) c.inTransaction = inTransaction;
  }

  beginTransaction(c: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    this.marked(c, true);
    return mapped(() => this.inner.beginTransaction(this.unwrap(c), settings));
  }

  commitTransaction(c: DatabaseConnection): Promise<void> {
    this.marked(c, false);
    return mapped(() => this.inner.commitTransaction(this.unwrap(c)));
  }

  rollbackTransaction(c: DatabaseConnection): Promise<void> {
    this.marked(c, false);
    return mapped(() => this.inner.rollbackTransaction(this.unwrap(c)));
  }

  savepoint(c: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return mapped(() => this.inner.savepoint!(this.unwrap(c), name, compile));
  }

  rollbackToSavepoint(c: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return mapped(() => this.inner.rollbackToSavepoint!(this.unwrap(c), name, compile));
  }

  releaseSavepoint(c: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return mapped(() => this.inner.releaseSavepoint!(this.unwrap(c), name, compile));
  }

  releaseConnection(c: DatabaseConnection): Promise<void> {
    this.marked(c, false);
    return mapped(() => this.inner.releaseConnection(this.unwrap(c)));
  }

  destroy(): Promise<void> {
    return mapped(() => this.inner.destroy());
  }
}

/** The same dialect, with driver errors mapped to SurgeErrors; `adapter` may replace the dialect's adapter. */
export function errorMappingDialect(inner: Dialect, adapter?: DialectAdapter): Dialect {
  return {
    createDriver: () => new MappedDriver(inner.createDriver()),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createAdapter: () => adapter ?? inner.createAdapter(),
    createIntrospector: (db: Kysely<any>): DatabaseIntrospector => inner.createIntrospector(db),
  };
}
