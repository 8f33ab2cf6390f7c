// The paged lists' cursors (#kit/paging): one kind per list, so a followers cursor given to the
// following list is refused rather than read as a place in it. The sort key is the follow's
// created_at; the id is the other user's, which breaks ties.
import { cursorCodec, type Cursor as PageCursor } from '#kit/paging';

export const CURSOR_KINDS = {
  followers: 1, // created_at; id: the follower
  following: 1, // created_at; id: the followee
} as const;

export type CursorKind = keyof typeof CURSOR_KINDS;

export type Cursor = PageCursor<CursorKind>;

const codec = cursorCodec(CURSOR_KINDS);

export const encodeCursor = (c: Cursor): string => codec.encode(c);

/** "" (the first page) → undefined; a cursor of `kind`, or InvalidArgument naming `cursor`. */
export const decodeCursor = (raw: string, kind: CursorKind): Cursor | undefined => codec.decode(raw, [kind]);
