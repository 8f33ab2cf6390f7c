// Keyset paging: "the rows after the last one served" as a WHERE on the sort columns, so a page
// is a range scan of the list's index however deep it is (OFFSET would read every row before it).
// Expanded into ORs rather than a row comparison ((a, b) < (x, y)), which MariaDB's optimizer
// does not always turn into an index range.
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';

export type Direction = 'asc' | 'desc';

/**
 * Rows strictly after `values` in the order of `columns` (the last one the unique tie-break),
 * all sorted in `direction`: c1 ⋚ v1 OR (c1 = v1 AND (c2 ⋚ v2 OR (c2 = v2 AND …))).
 */
export function after(eb: ExpressionBuilder<any, any>, columns: readonly string[], values: readonly number[], direction: Direction): Expression<SqlBool> {
  const op = direction === 'desc' ? '<' : '>';
  const last = columns.length - 1;
  let condition: Expression<SqlBool> = eb(eb.ref(columns[last]!), op, values[last]!);
  for (let i = last - 1; i >= 0; i--) {
    const column = eb.ref(columns[i]!);
    condition = eb.or([eb(column, op, values[i]!), eb.and([eb(column, '=', values[i]!), condition])]);
  }
  return condition;
}

/** A page from `limit + 1` rows: exactly `limit` served, and the end known without another query. */
export function pageOf<T>(rows: readonly T[], limit: number): { rows: T[]; isEnd: boolean } {
  return { rows: rows.slice(0, limit), isEnd: rows.length <= limit };
}
