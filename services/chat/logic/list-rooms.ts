import type { ListRoomsRequest, RoomPage } from '#gen/surge/chat/v1/chat';
import type { ChatDeps } from '../deps.js';
import { roomCursors } from '../model/cursor.js';
import { checkId, checkRoomPageSize } from '../rules.js';

/** The rooms the caller may see (public ones, private ones they belong to), newest first, a page at a time. */
export async function listRooms(d: ChatDeps, req: ListRoomsRequest): Promise<RoomPage> {
  const userId = checkId('user_id', req.userId);
  const after = roomCursors.decode(req.cursor);
  const limit = checkRoomPageSize(req.limit);
  // One more than the page: whether it is there says whether this page is the last.
  const rows = await d.rooms.visiblePage(userId, after?.id, limit + 1);
  const rooms = rows.slice(0, limit);
  const isEnd = rows.length <= limit;
  return { rooms, nextCursor: isEnd ? '' : roomCursors.encode({ kind: 'rooms', keys: [], id: rooms[rooms.length - 1]!.id }), isEnd };
}
