import type { AddMemberReply, AddMemberRequest } from '#gen/surge/chat/v1/chat';
import type { ChatDeps } from '../deps.js';
import { refusals } from '../refusals.js';
import { checkId } from '../rules.js';
import { visibleRoom } from './access.js';

/**
 * The owner of a private room adds a member. Whoever cannot see the room gets NotFound (as for
 * any private room), a member who is not the owner PermissionDenied, and a public room, which
 * anyone may join, FailedPrecondition. Adding a member twice answers added = false.
 */
export async function addMember(d: ChatDeps, req: AddMemberRequest): Promise<AddMemberReply> {
  const userId = checkId('user_id', req.userId);
  const roomId = checkId('room_id', req.roomId);
  const memberId = checkId('member_id', req.memberId);
  const room = await visibleRoom(d, userId, roomId);
  if (room.ownerId !== userId) throw refusals.notOwner('add members');
  if (!room.private) throw refusals.publicRoom('add');
  const outcome = await d.rooms.addMember(roomId, memberId, d.clock.now(), d.limits.maxMembersPerRoom);
  if (outcome === 'full') throw refusals.roomFull(d.limits.maxMembersPerRoom);
  return { added: outcome === 'added' };
}
