// ListReviews' page cursor: opaque to clients, base64url of "r.<id>" (the last review served;
// ids are snowflakes, so id order is the order reviews were written in). Nothing is signed: a
// hand-made cursor that parses only moves where a page starts, within the product asked for.
import { errors } from '#kit/errors';

const NUMBER = /^[1-9][0-9]{0,15}$/;

export function encodeCursor(lastId: number): string {
  return Buffer.from(`r.${lastId}`, 'utf8').toString('base64url');
}

/** The id a page starts below; undefined for the first page (""). InvalidArgument naming `cursor` otherwise. */
export function decodeCursor(raw: string): number | undefined {
  if (raw === '') return undefined;
  const bad = () => errors.invalid('cursor', 'is not a cursor this list gave; pass next_cursor as it came, or "" for the first page');
  if (raw.length > 40 || !/^[A-Za-z0-9_-]+$/.test(raw)) throw bad();
  const [kind, id, ...rest] = Buffer.from(raw, 'base64url').toString('utf8').split('.');
  if (kind !== 'r' || rest.length > 0 || id === undefined || !NUMBER.test(id) || !Number.isSafeInteger(Number(id))) throw bad();
  // One spelling per cursor: base64url that decodes alike but differs (padding bits) is refused.
  if (encodeCursor(Number(id)) !== raw) throw bad();
  return Number(id);
}
