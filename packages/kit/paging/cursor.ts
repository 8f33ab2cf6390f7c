// Page cursors for keyset paging: opaque to clients, base64url of "<kind>.<key>….<id>", where the
// keys are the sort keys of the last row served and the id breaks ties. The kind names the list
// order a cursor belongs to, so a cursor of one list given to another is refused, not misread.
// Nothing is signed: a hand-made cursor that parses only moves where a page starts (the query
// still applies the caller's own filters), and one spelling per cursor is accepted.
import { errors } from '#kit/errors';

/** Where the next page starts: after the row with these sort keys and this id. */
export interface Cursor<K extends string = string> {
  kind: K;
  keys: number[];
  id: number;
}

export interface CursorCodec<K extends string> {
  encode(cursor: Cursor<K>): string;
  /** "" (the first page) → undefined; a cursor of one of `accept` (default every kind); else InvalidArgument naming `cursor`. */
  decode(raw: string, accept?: readonly K[]): Cursor<K> | undefined;
}

/** Longer than any cursor a codec makes (a kind and a few 16-digit numbers); the gateway's bound too. */
export const MAX_CURSOR_LENGTH = 200;

const KEY = /^(0|[1-9][0-9]{0,15})$/;
const KIND = /^[a-z][a-z0-9_]{0,31}$/;

/** A codec for these kinds, each with how many sort keys its cursors carry before the id. */
export function cursorCodec<K extends string>(kinds: Readonly<Record<K, number>>): CursorCodec<K> {
  const all = Object.keys(kinds) as K[];
  for (const kind of all) {
    const n = kinds[kind];
    if (!KIND.test(kind) || !Number.isInteger(n) || n < 0 || n > 6) throw errors.invalid('kinds', `"${kind}": lower-case words with 0–6 sort keys`);
  }
  const encode = (c: Cursor<K>) => Buffer.from([c.kind, ...c.keys, c.id].join('.'), 'utf8').toString('base64url');
  const decode = (raw: string, accept: readonly K[] = all): Cursor<K> | undefined => {
    if (raw === '') return undefined;
    const bad = () => errors.invalid('cursor', 'is not a cursor this list gave; pass next_cursor as it came, or "" for the first page');
    if (raw.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(raw)) throw bad();
    const parts = Buffer.from(raw, 'base64url').toString('utf8').split('.');
    const kind = parts[0] as K;
    if (!accept.includes(kind) || !Object.hasOwn(kinds, kind) || parts.length !== kinds[kind] + 2) throw bad();
    const numbers = parts.slice(1).map((p) => (KEY.test(p) ? Number(p) : NaN));
    if (numbers.some((n) => !Number.isSafeInteger(n))) throw bad();
    const id = numbers.pop()!;
    if (id <= 0) throw bad();
    const cursor = { kind, keys: numbers, id };
    // One spelling per cursor: base64url that decodes alike but differs (padding bits) is refused.
    if (encode(cursor) !== raw) throw bad();
    return cursor;
  };
  return Object.freeze({ encode, decode });
}
