import type { RemoveMemberReply, RemoveMemberRequest } from '#gen/surge/chat/v1/chat';
import type { ChatDeps } from '../deps.js';
import { refusals } from '../refusals.js';
import { checkId } from '../rules.js';
import { visibleRoom } from './access.js';

/**
 * A member leaves a private room: the owner removes anyone but themselves, a member removes only
 * themselves. Whoever cannot see the room gets NotFound (as for any private room: a member who
 * left and asks again too), a public room FailedPrecondition (joining it takes no membership, so
 * there is none to end). The owner removing a non-member answers removed = false.
 */
export async function removeMember(d: ChatDeps, req: RemoveMemberRequest): Promise<RemoveMemberReply> {
  const userId = checkId('user_id', req.userId);
  const roomId = checkId('room_id', req.roomId);
  const memberId = checkId('member_id', req.memberId);
  const room = await visibleRoom(d, userId, roomId);
  if (!room.private) throw refusals.publicRoom('remove');
  const isOwner = room.ownerId === userId;
  if (memberId === room.ownerId) throw isOwner ? refusals.ownerStays() : refusals.notOwner('remove other members');
  if (!isOwner && memberId !== userId) throw refusals.notOwner('remove other members');
  return { removed: await d.rooms.removeMember(roomId, memberId) };
}
