// store: a Kysely database per service (SQLite file embedded, MariaDB database distributed),
// migrations run on open, driver errors mapped to SurgeErrors, and a row cache over #kit/cache.
export { openServiceDatabase } from './service-database.js';
export { isUniqueViolation } from './errors.js';
export { autoIdType } from './schema.js';
export { createRowCache, type RowCache, type RowCacheOptions, type RowRef } from './row-cache.js';
export type {
  DatabaseConfig, SqliteConfig, MysqlConfig, Migration, QueryEvent, OpenServiceDatabaseOptions,
  ServiceDatabase, ExecutorOption, UpsertOptions,
} from './types.js';
