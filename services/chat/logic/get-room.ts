import type { GetRoomRequest, Room } from '#gen/surge/chat/v1/chat';
import type { ChatDeps } from '../deps.js';
import { checkId } from '../rules.js';
import { visibleRoom } from './access.js';

/** One room the caller may see, with its epoch and last seq (what a client joining it starts from). */
export async function getRoom(d: ChatDeps, req: GetRoomRequest): Promise<Room> {
  const userId = checkId('user_id', req.userId);
  const roomId = checkId('room_id', req.roomId);
  return visibleRoom(d, userId, roomId);
}
