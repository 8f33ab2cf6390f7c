// ListRooms' page cursor (#kit/paging): the id of the last room served (rooms are newest first by
// their snowflake ids), under the kind "rooms", so another list's cursor is refused.
import { cursorCodec } from '#kit/paging';

export const roomCursors = cursorCodec({ rooms: 0 });
