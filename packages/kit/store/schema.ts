// Column types where the portable subset of Kysely's schema builder is not enough.
import { type Kysely, MysqlAdapter } from 'kysely';

/**
 * Type of an auto-increment primary key, for `.addColumn('id', autoIdType(db), (c) => c.primaryKey().autoIncrement())`.
 * SQLite auto-increments only INTEGER PRIMARY KEY (the 64-bit rowid; 'bigint' there would be a
 * plain column); MySQL needs BIGINT for ids past 2^31. Non-generated ids (snowflakes) use 'bigint' on both.
 */
export function autoIdType(db: Kysely<any>): 'integer' | 'bigint' {
  return db.getExecutor().adapter instanceof MysqlAdapter ? 'bigint' : 'integer';
}
