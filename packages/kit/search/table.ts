// The term index a searching service keeps beside its documents: one row per (term, document)
// with a weight, written in the document's own transaction, and the query that finds the
// documents holding every term of a query, scored by the summed weights of the terms found
// (docs/decisions.md, product search). Each service names its own table and document column;
// the table is (term, <doc>, weight) with the primary key (term, <doc>) and an index on <doc>.
import { MysqlAdapter, sql, type Kysely, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import { documentTerms } from './terms.js';

/** Where a service keeps its terms: the table and the column holding the document's id. */
export interface TermTable {
  readonly table: string;
  readonly docColumn: string;
}

/** A field of a document and how much a term found in it weighs. */
export interface WeighedText {
  readonly text: string;
  readonly weight: number;
}

/** Rows per INSERT while writing a document's terms: well under both databases' parameter limits. */
const INSERT_CHUNK = 500;

/**
 * The term column's type. MariaDB's default utf8mb4_unicode_ci would call "cafe" and "café" one
 * key (and refuse the second as a duplicate); terms are already NFKC and lower case, so the
 * column compares bytes (utf8mb4_bin), as SQLite's TEXT does.
 */
export const termColumnType = (db: Kysely<any>): RawBuilder<unknown> =>
  db.getExecutor().adapter instanceof MysqlAdapter ? sql`varchar(64) character set utf8mb4 collate utf8mb4_bin` : sql`varchar(64)`;

/** A document's index rows: each term once, weighing the sum of the weights of the fields it is found in. */
export function weighTerms(fields: readonly WeighedText[]): Map<string, number> {
  const weights = new Map<string, number>();
  for (const field of fields) for (const term of documentTerms(field.text)) weights.set(term, (weights.get(term) ?? 0) + field.weight);
  return weights;
}

/** Replaces a document's rows with `weights`, in the caller's transaction. */
export async function writeTerms(trx: Kysely<any>, t: TermTable, docId: number, weights: ReadonlyMap<string, number>, options: { fresh?: boolean } = {}): Promise<void> {
  // A new document has no rows to replace, and on MariaDB the delete of an id past the index's end
  // takes a gap lock that concurrent first writes then deadlock on: `fresh` skips it.
  if (options.fresh !== true) await deleteTerms(trx, t, docId);
  const rows = [...weights].map(([term, weight]) => ({ term, [t.docColumn]: docId, weight }));
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) await trx.insertInto(t.table).values(rows.slice(i, i + INSERT_CHUNK)).execute();
}

/** Removes a document's rows (it was deleted), in the caller's transaction. */
export async function deleteTerms(trx: Kysely<any>, t: TermTable, docId: number): Promise<void> {
  await trx.deleteFrom(t.table).where(t.docColumn, '=', docId).execute();
}

/** What matchingAll selects per document: its id and its score. */
export interface TermMatch {
  doc_id: number;
  score: number;
}

/**
 * The documents holding every one of `terms` (queryTerms, never empty), with their summed
 * weight as `score`: a subquery to join to the documents' table, which filters, orders and
 * pages. One row per (term, document), so a document holding them all has `terms.length` rows.
 */
export function matchingAll(db: Kysely<any>, t: TermTable, terms: readonly string[]): SelectQueryBuilder<any, any, TermMatch> {
  return db
    .selectFrom(t.table)
    .select([sql.ref(t.docColumn).as('doc_id'), (eb) => eb.fn.sum<number>('weight').as('score')])
    .where('term', 'in', [...terms])
    .groupBy(t.docColumn)
    .having((eb) => eb(eb.fn.countAll(), '=', terms.length)) as unknown as SelectQueryBuilder<any, any, TermMatch>;
}
