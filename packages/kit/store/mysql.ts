// Distributed mode: a MariaDB/MySQL database per service, a mysql2 pool through Kysely's
// MysqlDialect. The pool is what makes an outage survivable without a restart: mysql2 drops
// a pooled connection on its 'error'/'end' (pool_connection.js) and opens a fresh one on the
// next request, and a short connectTimeout makes each attempt fail fast while the server is away.
import { createConnection, createPool } from 'mysql2';
import { type Dialect, MysqlDialect } from 'kysely';
import { errorMappingDialect } from './error-mapping-dialect.js';
import { toStoreError } from './errors.js';
import type { ResolvedMysql } from './options.js';

function connectionOptions(target: ResolvedMysql) {
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    connectTimeout: target.connectTimeoutMs,
    // utf8mb4 end to end: Chinese text and emoji need 4-byte UTF-8.
    charset: 'UTF8MB4_UNICODE_CI',
    // BIGINT ids come back as JS numbers: exact up to 2^53 (ids are 53-bit safe by design);
    // a value beyond that comes back as a string rather than silently rounded.
    supportBigNumbers: true,
    bigNumberStrings: false,
    // Times cross processes in UTC; services store epoch ms in BIGINT anyway (portable to SQLite).
    timezone: 'Z',
  } as const;
}

/** CREATE DATABASE IF NOT EXISTS on a short-lived connection that names no database. */
export async function ensureMysqlDatabase(target: ResolvedMysql): Promise<void> {
  const conn = createConnection(connectionOptions(target));
  try {
    // The name passed validation in options.ts (letters, digits, '_'), so quoting it is safe.
    await conn.promise().query(
      `CREATE DATABASE IF NOT EXISTS \`${target.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } catch (err) {
    throw toStoreError(err);
  } finally {
    conn.destroy();
  }
}

export function mysqlDialect(target: ResolvedMysql): Dialect {
  const pool = createPool({
    ...connectionOptions(target),
    database: target.database,
    connectionLimit: target.poolSize,
    maxIdle: target.poolSize,
    waitForConnections: true,
    // Unbounded queue: callers are bounded by their deadlines. While the server is down each
    // waiter gets its own connection attempt when a slot frees: instant when the port refuses,
    // but up to connectTimeout per poolSize waiters ahead when packets vanish (a breaker in front
    // of the service is what sheds that load).
    queueLimit: 0,
    enableKeepAlive: true,
  });
  return errorMappingDialect(new MysqlDialect({ pool }));
}
