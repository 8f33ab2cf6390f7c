// The article lists' page cursors (#kit/paging): one kind per list order, each with the sort keys
// its rows are paged on before the tie-breaking id.
import { cursorCodec, type Cursor as PageCursor } from '#kit/paging';

export const CURSOR_KINDS = {
  newest: 1, // created_at
  likes: 1, // like_count
  search: 2, // score, created_at
  hot: 1, // hot_score
  drafts: 1, // created_at
} as const;

export type CursorKind = keyof typeof CURSOR_KINDS;

export type Cursor = PageCursor<CursorKind>;

const codec = cursorCodec(CURSOR_KINDS);

export const encodeCursor = (c: Cursor): string => codec.encode(c);

/** The cursor as given: undefined for the first page (""); one of `kinds`, or InvalidArgument naming `cursor`. */
export const decodeCursor = (raw: string, kinds: readonly CursorKind[]): Cursor | undefined => codec.decode(raw, kinds);
