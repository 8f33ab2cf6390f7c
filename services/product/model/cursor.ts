// The product lists' page cursors (#kit/paging): one kind per list order, each with the sort
// keys its rows are paged on.
import { cursorCodec, type Cursor as PageCursor } from '#kit/paging';

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
export type Cursor = PageCursor<CursorKind>;

const codec = cursorCodec(CURSOR_KINDS);

export const encodeCursor = (c: Cursor): string => codec.encode(c);

/** The cursor as given: "" for the first page (undefined); one of `kinds`, or InvalidArgument naming `cursor`. */
export const decodeCursor = (raw: string, kinds: readonly CursorKind[]): Cursor | undefined => codec.decode(raw, kinds);
