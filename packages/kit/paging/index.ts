// paging: opaque keyset cursors (kind, sort keys, tie-breaking id) for every cursor-paged list,
// and the WHERE that starts a page after the last row served.
export { cursorCodec, MAX_CURSOR_LENGTH, type Cursor, type CursorCodec } from './cursor.js';
export { after, pageOf, type Direction } from './keyset.js';
