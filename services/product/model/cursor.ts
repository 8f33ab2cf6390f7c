// Page cursors: opaque to clients, base64url of "<kind>.<key>….<id>" where the keys are the
// sort key of the last row served and the id breaks ties. The kind names the order the cursor
// belongs to, so a cursor of one list given to another is refused, not misread. Nothing is
// signed: a hand-made cursor that parses only moves where a page starts.
import { errors } from '#kit/errors';

/** The orders cursors are made for, and how many sort keys (before the id) each carries. */
export const CURSOR_KINDS = {
  newest: 1, // created_at
  price_asc: 1, // price_cents
  price_desc: 1,
  sales: 1, // sales
  search: 2, // score, sales
  taste: 2, // category weight, sales (Recommend)
  favorites: 1, // created_at of the favorite
} as const;

export type CursorKind = keyof typeof CURSOR_KINDS;

/** Where the next page starts: after the row with these keys and this id. */
export interface Cursor {
  kind: CursorKind;
  keys: number[];
  id: number;
}

const NUMBER = /^(0|[1-9][0-9]{0,15})$/;

export function encodeCursor(c: Cursor): string {
  return Buffer.from([c.kind, ...c.keys, c.id].join('.'), 'utf8').toString('base64url');
}

/** The cursor as given: "" for the first page (undefined); one of `kinds`, or InvalidArgument naming `cursor`. */
export function decodeCursor(raw: string, kinds: readonly CursorKind[]): Cursor | undefined {
  if (raw === '') return undefined;
  const bad = () => errors.invalid('cursor', 'is not a cursor this list gave; pass next_cursor as it came, or "" for the first page');
  if (raw.length > 120 || !/^[A-Za-z0-9_-]+$/.test(raw)) throw bad();
  const parts = Buffer.from(raw, 'base64url').toString('utf8').split('.');
  const kind = parts[0] as CursorKind;
  if (!kinds.includes(kind) || parts.length !== CURSOR_KINDS[kind] + 2) throw bad();
  const numbers = parts.slice(1).map((p) => (NUMBER.test(p) ? Number(p) : NaN));
  if (numbers.some((n) => !Number.isSafeInteger(n))) throw bad();
  const id = numbers.pop()!;
  if (id <= 0) throw bad();
  const cursor = { kind, keys: numbers, id };
  // One spelling per cursor: base64url that decodes alike but differs (padding bits) is refused.
  if (encodeCursor(cursor) !== raw) throw bad();
  return cursor;
}
