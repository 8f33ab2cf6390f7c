// paging: opaque keyset cursors (kind, sort keys, tie-breaking id) for every cursor-paged list.
export { cursorCodec, MAX_CURSOR_LENGTH, type Cursor, type CursorCodec } from './cursor.js';
