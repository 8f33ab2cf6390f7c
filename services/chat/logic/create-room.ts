import type { CreateRoomRequest, Room } from '#gen/surge/chat/v1/chat';
import type { ChatDeps } from '../deps.js';
import { refusals } from '../refusals.js';
import { checkId, checkRoomName } from '../rules.js';

/**
 * A room owned by the caller, public or private (then the owner is its first member), with a new
 * epoch and no messages yet; refused once the caller owns chat.maxRoomsPerUser rooms.
 */
export async function createRoom(d: ChatDeps, req: CreateRoomRequest): Promise<Room> {
  const userId = checkId('user_id', req.userId);
  const name = checkRoomName(req.name);
  const room: Room = { id: d.ids.next(), name, ownerId: userId, private: req.private === true, epoch: d.newEpoch(), lastSeq: 0, createdAt: d.clock.now() };
  if (!(await d.rooms.create(room, d.limits.maxRoomsPerUser))) throw refusals.tooManyRooms(d.limits.maxRoomsPerUser);
  return room;
}
