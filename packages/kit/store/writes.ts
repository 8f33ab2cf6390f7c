// Writes whose SQL differs between SQLite and MySQL, so service code never branches on the dialect:
//   insert-returning-id: neither dialect needs RETURNING (MySQL's Kysely dialect has none);
//                        both drivers report the auto-increment id of the insert.
//   insert-ignore:       SQLite ON CONFLICT DO NOTHING (only key conflicts) / MySQL INSERT IGNORE,
//                        one row or many in one statement.
//   upsert:              SQLite ON CONFLICT (cols) DO UPDATE SET c = excluded.c /
//                        MySQL ON DUPLICATE KEY UPDATE c = VALUES(c).
//   increment:           SQLite UPDATE … RETURNING / MySQL c = LAST_INSERT_ID(c + 1), whose value
//                        the server's OK packet carries: one statement (one round trip) either way.
import { CompiledQuery, type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';
import { SurgeError, Code } from '#kit/errors';

type Dialect = 'sqlite' | 'mysql';
type Row = Record<string, unknown>;

// The helpers are typed at the ServiceDatabase surface; inside, a table is just a name.
const untyped = (db: Kysely<any>) => db as Kysely<Record<string, Row>>;

export async function insertReturningId(db: Kysely<any>, table: string, values: Row): Promise<number> {
  const result = await untyped(db).insertInto(table).values(values).executeTakeFirst();
  if (result.insertId === undefined) {
    throw new SurgeError(Code.Internal, 'insert reported no id', { details: { table } });
  }
  return Number(result.insertId);
}

export async function insertIgnore(dialect: Dialect, db: Kysely<any>, table: string, values: Row | readonly Row[]): Promise<boolean> {
  // An INSERT needs a row; none to insert is nothing inserted.
  if (Array.isArray(values) && values.length === 0) return false;
  const insert = untyped(db).insertInto(table).values(values as Row | Row[]);
  const result = dialect === 'mysql'
    ? await insert.ignore().executeTakeFirst()
    : await insert.onConflict((oc) => oc.doNothing()).executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

/** The single-row INSERT of a table and column list, compiled once (SQLite's insertRows). */
const singleRowInserts = new Map<string, string>();

/**
 * Rows of one shape (the same columns, in the same order) into a table, `ignore`: skipping rows
 * whose key is taken. SQLite: one single-row INSERT, compiled once per table and columns and
 * prepared once by the driver, run per row (better-sqlite3 runs each synchronously; in the
 * caller's transaction, or one of its own: all rows or none). A multi-row INSERT there costs more than the rows: the query
 * builder compiles every value, and each new row count is a new statement to prepare. MySQL: one
 * multi-row INSERT, one round trip. Resolves the rows inserted.
 */
export async function insertRows(dialect: Dialect, db: Kysely<any>, table: string, rows: readonly Row[], ignore: boolean): Promise<number> {
  if (rows.length === 0) return 0;
  if (dialect === 'mysql') {
    const insert = untyped(db).insertInto(table).values(rows as Row[]);
    const result = await (ignore ? insert.ignore() : insert).executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n);
  }
  const columns = Object.keys(rows[0]!);
  const key = `${table}\u0000${columns.join(',')}\u0000${ignore}`;
  let text = singleRowInserts.get(key);
  if (text === undefined) {
    const insert = untyped(db).insertInto(table).values(rows[0]!);
    text = (ignore ? insert.onConflict((oc) => oc.doNothing()) : insert).compile().sql;
    singleRowInserts.set(key, text);
  }
  const run = async (executor: Kysely<any>) => {
    let inserted = 0;
    for (const row of rows) {
      const result = await executor.executeQuery(CompiledQuery.raw(text, columns.map((c) => row[c])));
      inserted += Number(result.numAffectedRows ?? 0n);
    }
    return inserted;
  };
  // All or none, as MySQL's one statement is: outside a transaction, in one of its own (one row
  // is one statement, all or none already).
  return db.isTransaction || rows.length === 1 ? run(db) : db.transaction().execute(run);
}

export async function upsert(
  dialect: Dialect,
  db: Kysely<any>,
  table: string,
  values: Row,
  conflict: readonly string[],
  update: readonly string[] | undefined,
): Promise<void> {
  if (conflict.length === 0) throw new SurgeError(Code.InvalidArgument, 'upsert: conflict must name at least one column');
  const columns = update ?? Object.keys(values).filter((c) => !conflict.includes(c));
  const insert = untyped(db).insertInto(table).values(values);
  if (columns.length === 0) {
    // Nothing to overwrite: an upsert that only ensures the row exists.
    await insertIgnore(dialect, db, table, values);
    return;
  }
  if (dialect === 'mysql') {
    const set = Object.fromEntries(columns.map((c) => [c, sql`values(${sql.ref(c)})`]));
    await insert.onDuplicateKeyUpdate(set).execute();
  } else {
    const set = Object.fromEntries(columns.map((c) => [c, sql.ref(`excluded.${c}`)]));
    await insert.onConflict((oc) => oc.columns([...conflict]).doUpdateSet(set)).execute();
  }
}

export async function increment(
  dialect: Dialect,
  db: Kysely<any>,
  table: string,
  column: string,
  where: (eb: ExpressionBuilder<any, any>) => Expression<SqlBool>,
): Promise<number | undefined> {
  const update = untyped(db).updateTable(table).where(where);
  if (dialect === 'sqlite') {
    const row = await update.set({ [column]: sql`${sql.ref(column)} + 1` }).returning(sql.ref(column).as('value')).executeTakeFirst();
    return row === undefined ? undefined : Number(row.value);
  }
  const result = await db.executeQuery(update.set({ [column]: sql`last_insert_id(${sql.ref(column)} + 1)` }).compile());
  if (!result.numAffectedRows) return undefined;
  // Kysely reports an insert id of 0 as none.
  return Number(result.insertId ?? 0n);
}
