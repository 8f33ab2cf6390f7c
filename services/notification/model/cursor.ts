// The notification list's page cursor (#kit/paging): the row's updated_at, then its id.
import { cursorCodec, type Cursor as PageCursor } from '#kit/paging';

export const CURSOR_KINDS = { updated: 1 } as const;

export type Cursor = PageCursor<keyof typeof CURSOR_KINDS>;

const codec = cursorCodec(CURSOR_KINDS);

export const encodeCursor = (c: Cursor): string => codec.encode(c);

/** "" (the first page) → undefined; else a cursor of this list, or InvalidArgument naming `cursor`. */
export const decodeCursor = (raw: string): Cursor | undefined => codec.decode(raw);
