// The refusals of the chat service's use cases that are not malformed input: the room is not one
// the caller may see, the caller may not change it, or a quota is full. Each names the field a
// client fixes.
import { Code, SurgeError } from '#kit/errors';

export const refusals = {
  /**
   * No such room, or a private room the caller does not belong to: one refusal for both, word
   * for word, so a private room's existence is never revealed.
   */
  noRoom: () => new SurgeError(Code.NotFound, 'room_id: no such room', { details: { field: 'room_id', resource: 'room' } }),
  /** A member of a private room who is not its owner tried an owner's change. */
  notOwner: (change: 'add members' | 'remove other members') =>
    new SurgeError(Code.PermissionDenied, `room_id: only the room’s owner may ${change}`, { details: { field: 'room_id' } }),
  /** AddMember or RemoveMember on a public room: everyone may join it, so it keeps no member list. */
  publicRoom: (change: 'add' | 'remove') =>
    new SurgeError(Code.FailedPrecondition, `room_id: the room is public; anyone may join it, so it has no members to ${change}`, { details: { field: 'room_id' } }),
  /** The owner tried to remove themselves: a private room keeps its owner (no room is left without one). */
  ownerStays: () =>
    new SurgeError(Code.FailedPrecondition, 'member_id: the owner cannot leave their own private room; remove the other members instead', { details: { field: 'member_id' } }),
  /**
   * The caller owns chat.maxRoomsPerUser rooms. RateLimited is Surge's code for a quota hit (gRPC
   * RESOURCE_EXHAUSTED, HTTP 429), as the cart's size limit uses it; no retryAfter: waiting does not help.
   */
  tooManyRooms: (max: number) => new SurgeError(Code.RateLimited, `name: a user owns at most ${max} rooms`, { details: { field: 'name', limit: max } }),
  /** The private room holds chat.maxMembersPerRoom members, its owner counted. */
  roomFull: (max: number) => new SurgeError(Code.RateLimited, `member_id: a room holds at most ${max} members`, { details: { field: 'member_id', limit: max } }),
} as const;
