// Rooms on SQLite and, when reachable (required in CI), MariaDB: who owns and sees which room, the
// owner's quota, private rooms' member lists kept by their owner, and the list of rooms a user may
// see walked page by page through opaque cursors.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { rejectionOf, testDatabases } from '#kit/testing';
import type { Room } from '#gen/surge/chat/v1/chat';
import { chatFixturesOn, type ChatFixture } from './testing/fixture.js';

/** Every room a user may see, walked page by page with `limit`: the ids in the order served, and the page count. */
async function walk(f: ChatFixture, userId: number, limit: number) {
  const ids: number[] = [];
  let cursor = '';
  for (let pages = 1; ; pages++) {
    const page = await f.svc.listRooms({ userId, cursor, limit });
    ids.push(...page.rooms.map((r) => r.id));
    expect(page.rooms.length).toBeLessThanOrEqual(limit);
    if (page.isEnd) {
      expect(page.nextCursor).toBe('');
      return { ids, pages };
    }
    expect(page.rooms).toHaveLength(limit);
    cursor = page.nextCursor;
  }
}

const membersOf = async (f: ChatFixture, roomId: number) =>
  (await f.db.db.selectFrom('room_members').select('user_id').where('room_id', '=', roomId).orderBy('user_id').execute()).map((r) => Number(r.user_id));

const newestFirst = (rooms: readonly Room[]) => rooms.map((r) => r.id).sort((a, b) => b - a);

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`rooms on ${kind.name}`, () => {
    const open = chatFixturesOn(kind);

    describe('CreateRoom', () => {
      it('stores the room, owned by the caller, with a new epoch and no messages, and answers it whole', async () => {
        const f = await open();
        const room = await f.svc.createRoom({ userId: 7, name: '  Tea lovers  ', private: false });
        expect(room).toEqual({ id: room.id, name: 'Tea lovers', ownerId: 7, private: false, epoch: room.epoch, lastSeq: 0, createdAt: f.clock.now() });
        expect(room.id).toBeGreaterThan(0);
        expect(room.epoch).toMatch(/^[A-Za-z0-9_-]{11}$/);
        expect(await f.svc.getRoom({ userId: 7, roomId: room.id })).toEqual(room);
        // A public room keeps no member list: anyone may join it.
        expect(await membersOf(f, room.id)).toEqual([]);
      });

      it('makes a private room with its owner as its only member', async () => {
        const f = await open();
        const room = await f.room(7, { private: true });
        expect(room).toMatchObject({ ownerId: 7, private: true, lastSeq: 0 });
        expect(await membersOf(f, room.id)).toEqual([7]);
      });

      it('gives every room an epoch of its own', async () => {
        const f = await open();
        const rooms = await Promise.all(Array.from({ length: 20 }, (_, i) => f.room(1 + (i % 4))));
        expect(new Set(rooms.map((r) => r.epoch)).size).toBe(20);
      });

      it('takes chat.maxRoomsPerUser rooms per owner, public and private alike; one more is RateLimited naming name and stores nothing', async () => {
        const f = await open({ maxRoomsPerUser: 3 });
        await f.room(1);
        await f.room(1, { private: true });
        await f.room(1);
        const e = await rejectionOf(f.room(1, { name: 'one too many' }), Code.RateLimited);
        expect(e.details).toEqual({ field: 'name', limit: 3 });
        expect(e.message).toBe('name: a user owns at most 3 rooms');
        expect(await f.db.db.selectFrom('rooms').select('id').where('owner_id', '=', 1).execute()).toHaveLength(3);
        // Another owner has a quota of their own.
        await expect(f.room(2)).resolves.toMatchObject({ ownerId: 2 });
      });
    });

    describe('GetRoom', () => {
      it('shows a public room to anyone, a private one to its owner and members only', async () => {
        const f = await open();
        const lobby = await f.room(1);
        const closed = await f.room(1, { private: true });
        expect(await f.svc.getRoom({ userId: 9, roomId: lobby.id })).toEqual(lobby);
        expect(await f.svc.getRoom({ userId: 1, roomId: closed.id })).toEqual(closed);
        const hidden = await rejectionOf(f.svc.getRoom({ userId: 9, roomId: closed.id }), Code.NotFound);
        expect(hidden.details).toEqual({ field: 'room_id', resource: 'room' });
        await f.svc.addMember({ userId: 1, roomId: closed.id, memberId: 9 });
        expect(await f.svc.getRoom({ userId: 9, roomId: closed.id })).toEqual(closed);
      });

      it('answers a private room to a stranger exactly as an id that names no room', async () => {
        const f = await open();
        const closed = await f.room(1, { private: true });
        const hidden = await rejectionOf(f.svc.getRoom({ userId: 9, roomId: closed.id }));
        const missing = await rejectionOf(f.svc.getRoom({ userId: 9, roomId: closed.id + 1 }));
        expect({ code: hidden.code, message: hidden.message, details: hidden.details }).toEqual({ code: missing.code, message: missing.message, details: missing.details });
        expect(missing.message).toBe('room_id: no such room');
      });
    });

    describe('AddMember', () => {
      it('lets the owner add members, once each: a repeat answers added = false and changes nothing', async () => {
        const f = await open();
        const room = await f.room(1, { private: true });
        expect(await f.svc.addMember({ userId: 1, roomId: room.id, memberId: 2 })).toEqual({ added: true });
        expect(await f.svc.addMember({ userId: 1, roomId: room.id, memberId: 3 })).toEqual({ added: true });
        expect(await f.svc.addMember({ userId: 1, roomId: room.id, memberId: 2 })).toEqual({ added: false });
        // The owner is a member already.
        expect(await f.svc.addMember({ userId: 1, roomId: room.id, memberId: 1 })).toEqual({ added: false });
        expect(await membersOf(f, room.id)).toEqual([1, 2, 3]);
        const counted = await f.db.db.selectFrom('rooms').select('member_count').where('id', '=', room.id).executeTakeFirstOrThrow();
        expect(Number(counted.member_count)).toBe(3);
      });

      it('refuses a member who is not the owner (PermissionDenied) and a stranger (NotFound, as for any private room)', async () => {
        const f = await open();
        const room = await f.room(1, { private: true });
        await f.svc.addMember({ userId: 1, roomId: room.id, memberId: 2 });
        const member = await rejectionOf(f.svc.addMember({ userId: 2, roomId: room.id, memberId: 5 }), Code.PermissionDenied);
        expect(member.details).toEqual({ field: 'room_id' });
        const stranger = await rejectionOf(f.svc.addMember({ userId: 3, roomId: room.id, memberId: 3 }), Code.NotFound);
        expect(stranger.details).toEqual({ field: 'room_id', resource: 'room' });
        expect(await membersOf(f, room.id)).toEqual([1, 2]);
      });

      it('refuses a public room: FailedPrecondition to its owner, PermissionDenied to anyone else', async () => {
        const f = await open();
        const room = await f.room(1);
        const owner = await rejectionOf(f.svc.addMember({ userId: 1, roomId: room.id, memberId: 2 }), Code.FailedPrecondition);
        expect(owner.details).toEqual({ field: 'room_id' });
        await rejectionOf(f.svc.addMember({ userId: 2, roomId: room.id, memberId: 2 }), Code.PermissionDenied);
        expect(await membersOf(f, room.id)).toEqual([]);
      });

      it('takes chat.maxMembersPerRoom members, the owner counted; one more is RateLimited naming member_id', async () => {
        const f = await open({ maxMembersPerRoom: 3 });
        const room = await f.room(1, { private: true });
        await f.svc.addMember({ userId: 1, roomId: room.id, memberId: 2 });
        await f.svc.addMember({ userId: 1, roomId: room.id, memberId: 3 });
        const e = await rejectionOf(f.svc.addMember({ userId: 1, roomId: room.id, memberId: 4 }), Code.RateLimited);
        expect(e.details).toEqual({ field: 'member_id', limit: 3 });
        // A member already in is answered as such, full or not.
        expect(await f.svc.addMember({ userId: 1, roomId: room.id, memberId: 2 })).toEqual({ added: false });
        expect(await membersOf(f, room.id)).toEqual([1, 2, 3]);
      });
    });

    describe('RemoveMember', () => {
      const countOf = async (f: ChatFixture, roomId: number) =>
        Number((await f.db.db.selectFrom('rooms').select('member_count').where('id', '=', roomId).executeTakeFirstOrThrow()).member_count);

      it('lets the owner remove a member, once: a repeat answers removed = false; the member count follows', async () => {
        const f = await open();
        const room = await f.room(1, { private: true });
        await f.svc.addMember({ userId: 1, roomId: room.id, memberId: 2 });
        await f.svc.addMember({ userId: 1, roomId: room.id, memberId: 3 });
        expect(await f.svc.removeMember({ userId: 1, roomId: room.id, memberId: 2 })).toEqual({ removed: true });
        expect(await f.svc.removeMember({ userId: 1, roomId: room.id, memberId: 2 })).toEqual({ removed: false });
        // A user who never was a member: nothing to remove.
        expect(await f.svc.removeMember({ userId: 1, roomId: room.id, memberId: 9 })).toEqual({ removed: false });
        expect(await membersOf(f, room.id)).toEqual([1, 3]);
        expect(await countOf(f, room.id)).toBe(2);
        // The removed member no longer sees the room: it reads as one that does not exist.
        const gone = await rejectionOf(f.svc.getRoom({ userId: 2, roomId: room.id }), Code.NotFound);
        expect(gone.message).toBe('room_id: no such room');
        expect((await f.svc.listRooms({ userId: 2, cursor: '', limit: 100 })).rooms).toEqual([]);
        // And the owner may add them again, within the quota the removal freed.
        expect(await f.svc.addMember({ userId: 1, roomId: room.id, memberId: 2 })).toEqual({ added: true });
        expect(await countOf(f, room.id)).toBe(3);
      });

      it('lets a member leave: removing themselves; asked again, the room is hidden from them (NotFound)', async () => {
        const f = await open();
        const room = await f.room(1, { private: true });
        await f.svc.addMember({ userId: 1, roomId: room.id, memberId: 2 });
        expect(await f.svc.removeMember({ userId: 2, roomId: room.id, memberId: 2 })).toEqual({ removed: true });
        const again = await rejectionOf(f.svc.removeMember({ userId: 2, roomId: room.id, memberId: 2 }), Code.NotFound);
        expect(again.details).toEqual({ field: 'room_id', resource: 'room' });
        expect(await membersOf(f, room.id)).toEqual([1]);
        expect(await countOf(f, room.id)).toBe(1);
      });

      it('refuses a member removing another (PermissionDenied), anyone removing the owner, and the owner leaving (FailedPrecondition naming member_id)', async () => {
        const f = await open();
        const room = await f.room(1, { private: true });
        await f.svc.addMember({ userId: 1, roomId: room.id, memberId: 2 });
        await f.svc.addMember({ userId: 1, roomId: room.id, memberId: 3 });
        const other = await rejectionOf(f.svc.removeMember({ userId: 2, roomId: room.id, memberId: 3 }), Code.PermissionDenied);
        expect({ message: other.message, details: other.details }).toEqual({ message: 'room_id: only the room’s owner may remove other members', details: { field: 'room_id' } });
        await rejectionOf(f.svc.removeMember({ userId: 2, roomId: room.id, memberId: 1 }), Code.PermissionDenied);
        const owner = await rejectionOf(f.svc.removeMember({ userId: 1, roomId: room.id, memberId: 1 }), Code.FailedPrecondition);
        expect(owner.details).toEqual({ field: 'member_id' });
        expect(await membersOf(f, room.id)).toEqual([1, 2, 3]);
        expect(await countOf(f, room.id)).toBe(3);
      });

      it('refuses a public room to everyone (FailedPrecondition naming room_id: joining it takes no membership)', async () => {
        const f = await open();
        const room = await f.room(1);
        for (const [userId, memberId] of [[1, 2], [2, 2], [1, 1]] as const) {
          const e = await rejectionOf(f.svc.removeMember({ userId, roomId: room.id, memberId }), Code.FailedPrecondition);
          expect({ message: e.message, details: e.details }).toEqual({ message: 'room_id: the room is public; anyone may join it, so it has no members to remove', details: { field: 'room_id' } });
        }
        expect(await countOf(f, room.id)).toBe(0);
      });

      it('removes a member once under concurrent removes, and keeps the count exact beside concurrent adds', async () => {
        const f = await open();
        const room = await f.room(1, { private: true });
        for (const memberId of [2, 3, 4]) await f.svc.addMember({ userId: 1, roomId: room.id, memberId });
        const removes = await Promise.all(Array.from({ length: 8 }, () => f.svc.removeMember({ userId: 1, roomId: room.id, memberId: 2 })));
        expect(removes.filter((r) => r.removed)).toHaveLength(1);
        await Promise.all([
          ...[5, 6, 7].map((memberId) => f.svc.addMember({ userId: 1, roomId: room.id, memberId })),
          ...[3, 4].map((memberId) => f.svc.removeMember({ userId: 1, roomId: room.id, memberId })),
        ]);
        expect(await membersOf(f, room.id)).toEqual([1, 5, 6, 7]);
        expect(await countOf(f, room.id)).toBe(4);
      });
    });

    describe('ListRooms', () => {
      it('lists every public room and the private rooms the user belongs to, newest first, and no other', async () => {
        const f = await open();
        const rooms: Room[] = [];
        for (let i = 0; i < 12; i++) rooms.push(await f.room(1 + (i % 3), { private: i % 2 === 1 }));
        // User 2 joins one private room of user 1's.
        const joined = rooms.find((r) => r.private && r.ownerId === 1)!;
        await f.svc.addMember({ userId: 1, roomId: joined.id, memberId: 2 });
        const seenBy = (userId: number) => newestFirst(rooms.filter((r) => !r.private || r.ownerId === userId || (userId === 2 && r.id === joined.id)));

        for (const userId of [1, 2, 3, 4]) {
          const page = await f.svc.listRooms({ userId, cursor: '', limit: 100 });
          expect(page.rooms.map((r) => r.id)).toEqual(seenBy(userId));
          expect(page).toMatchObject({ isEnd: true, nextCursor: '' });
        }
        // Whole rooms, as GetRoom answers them.
        expect((await f.svc.listRooms({ userId: 4, cursor: '', limit: 1 })).rooms).toEqual([await f.svc.getRoom({ userId: 4, roomId: seenBy(4)[0]! })]);
      });

      it.each([1, 2, 3, 5, 7])('walks every visible room exactly once in pages of %i', async (limit) => {
        const f = await open();
        const rooms: Room[] = [];
        for (let i = 0; i < 14; i++) rooms.push(await f.room(1 + (i % 2), { private: i % 3 === 0 }));
        for (const userId of [1, 2, 3]) {
          const expected = newestFirst(rooms.filter((r) => !r.private || r.ownerId === userId));
          const { ids, pages } = await walk(f, userId, limit);
          expect(ids).toEqual(expected);
          // The page after the last full one is never asked for: a page says it is the last.
          expect(pages).toBe(Math.max(1, Math.ceil(expected.length / limit)));
        }
      });

      it('answers an empty list, and 20 rooms for limit 0', async () => {
        const f = await open();
        expect(await f.svc.listRooms({ userId: 1, cursor: '', limit: 0 })).toEqual({ rooms: [], nextCursor: '', isEnd: true });
        for (let i = 0; i < 21; i++) await f.room(1 + (i % 5));
        const page = await f.svc.listRooms({ userId: 1, cursor: '', limit: 0 });
        expect(page.rooms).toHaveLength(20);
        expect(page.isEnd).toBe(false);
      });
    });
  });
}
