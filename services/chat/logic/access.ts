import type { Room } from '#gen/surge/chat/v1/chat';
import type { ChatDeps } from '../deps.js';
import { refusals } from '../refusals.js';

/**
 * The room, when the caller may see it: every public room, and a private room to its owner and
 * members. Anything else is NotFound, worded as for an unknown id, so a private room's existence
 * is never revealed. Seeing a room is also what reading and sending in it take.
 */
export async function visibleRoom(d: ChatDeps, userId: number, roomId: number): Promise<Room> {
  const room = await d.rooms.get(roomId);
  if (!room) throw refusals.noRoom();
  // The owner is a member too; asking the table is needed only for the others.
  if (room.private && room.ownerId !== userId && !(await d.rooms.isMember(roomId, userId))) throw refusals.noRoom();
  return room;
}
