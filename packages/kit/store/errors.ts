// Driver errors → SurgeErrors, at the edge of the store. The message of a SurgeError is shown
// to clients, so no SQL text or driver message ever goes into it: the driver error rides in
// `cause` (logs only). mysql2 marks errors with a string `code` (and `errno`); better-sqlite3
// throws SqliteError with an extended result code in `code` (SQLITE_CONSTRAINT_UNIQUE, …).
import { Code, SurgeError, errors } from '#kit/errors';

/** The dependency name carried by every Unavailable the store raises. */
export const DATABASE = 'database';

// mysql2 / Node socket codes meaning "the server did not answer or the link broke": retryable.
const MYSQL_UNAVAILABLE = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED', 'ER_QUERY_INTERRUPTED',
]);

// SQLite codes meaning "the file is locked or cannot be reached right now": retryable.
const SQLITE_UNAVAILABLE_PREFIXES = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_CANTOPEN', 'SQLITE_IOERR', 'SQLITE_FULL'];

// InnoDB picked this transaction as a deadlock's victim and rolled all of it back: running the
// transaction again from its start is safe, and is what MariaDB asks of the application.
const MYSQL_DEADLOCK_ERRNO = 1213;

const UNIQUE_CODES = new Set(['ER_DUP_ENTRY', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);
const MYSQL_DUP_ENTRY_ERRNO = 1062;

function driverCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The driver error behind err: err itself, or the cause a SurgeError carries. */
function driverError(err: unknown): unknown {
  return err instanceof SurgeError ? err.cause : err;
}

/**
 * True when err (a driver error, or the SurgeError the store made of it) is a unique-key or
 * primary-key violation, on either dialect. Logic turns it into AlreadyExists naming the field:
 *   catch (e) { if (isUniqueViolation(e)) throw errors.exists('username'); throw e; }
 */
export function isUniqueViolation(err: unknown): boolean {
  const raw = driverError(err);
  const code = driverCode(raw);
  if (code !== undefined && UNIQUE_CODES.has(code)) return true;
  return (raw as { errno?: unknown } | null)?.errno === MYSQL_DUP_ENTRY_ERRNO;
}

/**
 * True when err (a driver error, or the SurgeError the store made of it) says the database
 * rolled the whole transaction back to break a deadlock. The store runs it again itself
 * (see ServiceDatabase.transaction); one still failing after its retries is Unavailable.
 */
export function isDeadlock(err: unknown): boolean {
  const raw = driverError(err);
  return driverCode(raw) === 'ER_LOCK_DEADLOCK' || (raw as { errno?: unknown } | null)?.errno === MYSQL_DEADLOCK_ERRNO;
}

/** True when the driver error means the database did not answer (refused, lost, timed out, locked). */
export function isUnavailableError(err: unknown): boolean {
  if (err instanceof SurgeError) return err.code === Code.Unavailable;
  const code = driverCode(err);
  if (code !== undefined) {
    if (MYSQL_UNAVAILABLE.has(code)) return true;
    if (SQLITE_UNAVAILABLE_PREFIXES.some((p) => code.startsWith(p))) return true;
  }
  // mysql2 marks errors that leave the connection unusable as fatal ("closed state" included).
  return (err as { fatal?: unknown } | null)?.fatal === true;
}

/**
 * Any error from the driver → SurgeError. SurgeErrors pass through untouched (they come from
 * logic inside a transaction, or were mapped already).
 */
export function toStoreError(err: unknown): SurgeError {
  if (err instanceof SurgeError) return err;
  if (isUniqueViolation(err)) {
    // A generic AlreadyExists is the right status when logic forgot to catch it; logic that
    // knows the field rethrows errors.exists('<field>') after isUniqueViolation().
    return new SurgeError(Code.AlreadyExists, 'a unique value is already taken', { cause: err });
  }
  if (isUnavailableError(err) || isDeadlock(err)) return errors.unavailable(DATABASE, err);
  return errors.internal(err);
}
