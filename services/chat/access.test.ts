// Another user's ids on every method: a stranger to a private room (not its owner, never added)
// names it in every call that takes a room, and a member who is not its owner tries the owner's
// change. Every refusal reads as for a room that does not exist (or, to a member, PermissionDenied),
// nothing is written, and the room never shows in the stranger's list. On SQLite and MariaDB.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { rejectionOf, testDatabases } from '#kit/testing';
import { chatFixturesOn, sendRequest, type ChatFixture } from './testing/fixture.js';

const OWNER = 1;
const MEMBER = 2;
const STRANGER = 3;

/** Counts of every table's rows: a refused call changes none. */
const counts = async (f: ChatFixture) => ({
  rooms: (await f.db.db.selectFrom('rooms').select('id').execute()).length,
  members: (await f.db.db.selectFrom('room_members').select('room_id').execute()).length,
  messages: (await f.db.db.selectFrom('messages').select('id').execute()).length,
  lastSeqs: (await f.db.db.selectFrom('rooms').select('last_seq').orderBy('id').execute()).map((r) => Number(r.last_seq)),
  memberCounts: (await f.db.db.selectFrom('rooms').select('member_count').orderBy('id').execute()).map((r) => Number(r.member_count)),
});

/** The calls that name a room, each as `userId` naming `roomId`. */
const calls = (f: ChatFixture, userId: number, roomId: number) => ({
  GetRoom: () => f.svc.getRoom({ userId, roomId }),
  History: () => f.svc.history({ userId, roomId, beforeSeq: 0, limit: 10 }),
  Since: () => f.svc.since({ userId, roomId, sinceSeq: 0, epoch: '', limit: 10 }),
  Send: () => f.svc.send(sendRequest(userId, roomId, 'intruder-1')),
  AddMember: () => f.svc.addMember({ userId, roomId, memberId: userId }),
  RemoveMember: () => f.svc.removeMember({ userId, roomId, memberId: MEMBER }),
  Leave: () => f.svc.removeMember({ userId, roomId, memberId: userId }),
});

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`another user's ids on ${kind.name}`, () => {
    const open = chatFixturesOn(kind);

    /** A private room of OWNER's with MEMBER added and two messages, and a public room. */
    async function setUp() {
      const f = await open();
      const closed = await f.room(OWNER, { private: true, name: 'the back office' });
      await f.svc.addMember({ userId: OWNER, roomId: closed.id, memberId: MEMBER });
      await f.svc.send(sendRequest(OWNER, closed.id, 'o-1', { content: 'payroll is late' }));
      await f.svc.send(sendRequest(MEMBER, closed.id, 'm-1'));
      const lobby = await f.room(OWNER, { name: 'lobby' });
      return { f, closed, lobby };
    }

    it.each(['GetRoom', 'History', 'Since', 'Send', 'AddMember', 'RemoveMember', 'Leave'] as const)(
      '%s by a stranger to a private room: NotFound naming room_id, word for word as an unknown room, nothing written',
      async (method) => {
        const { f, closed } = await setUp();
        const before = await counts(f);
        const hidden = await rejectionOf(calls(f, STRANGER, closed.id)[method](), Code.NotFound);
        const missing = await rejectionOf(calls(f, STRANGER, closed.id + 1)[method](), Code.NotFound);
        expect({ message: hidden.message, details: hidden.details }).toEqual({ message: 'room_id: no such room', details: { field: 'room_id', resource: 'room' } });
        expect({ message: missing.message, details: missing.details }).toEqual({ message: hidden.message, details: hidden.details });
        expect(await counts(f)).toEqual(before);
      },
    );

    it('the same calls by the member succeed (but AddMember), and by the owner all of them', async () => {
      const { f, closed } = await setUp();
      const asMember = calls(f, MEMBER, closed.id);
      expect(await asMember.GetRoom()).toMatchObject({ id: closed.id });
      expect((await asMember.History()).messages).toHaveLength(2);
      expect((await asMember.Since()).messages).toHaveLength(2);
      expect((await asMember.Send()).message).toMatchObject({ seq: 3, userId: MEMBER });
      const denied = await rejectionOf(f.svc.addMember({ userId: MEMBER, roomId: closed.id, memberId: STRANGER }), Code.PermissionDenied);
      expect(denied.message).toBe('room_id: only the room’s owner may add members');
      expect(await f.db.db.selectFrom('room_members').select('user_id').where('user_id', '=', STRANGER).execute()).toEqual([]);
      const asOwner = calls(f, OWNER, closed.id);
      expect((await asOwner.Send()).message).toMatchObject({ seq: 4, userId: OWNER });
      expect(await asOwner.AddMember()).toEqual({ added: false });
    });

    it('a member removes no one but themselves; once removed, every call reads as for a stranger', async () => {
      const { f, closed } = await setUp();
      await f.svc.addMember({ userId: OWNER, roomId: closed.id, memberId: STRANGER });
      const before = await counts(f);
      for (const memberId of [OWNER, STRANGER]) {
        const e = await rejectionOf(f.svc.removeMember({ userId: MEMBER, roomId: closed.id, memberId }), Code.PermissionDenied);
        expect(e.message).toBe('room_id: only the room’s owner may remove other members');
      }
      expect(await counts(f)).toEqual(before);
      expect(await f.svc.removeMember({ userId: OWNER, roomId: closed.id, memberId: MEMBER })).toEqual({ removed: true });
      for (const call of Object.values(calls(f, MEMBER, closed.id))) {
        const e = await rejectionOf(call(), Code.NotFound);
        expect(e.message).toBe('room_id: no such room');
      }
    });

    it("ListRooms never shows the stranger another user's private room, on any page", async () => {
      const { f, closed, lobby } = await setUp();
      for (const limit of [1, 2, 100]) {
        const seen: number[] = [];
        let cursor = '';
        for (;;) {
          const page = await f.svc.listRooms({ userId: STRANGER, cursor, limit });
          seen.push(...page.rooms.map((r) => r.id));
          if (page.isEnd) break;
          cursor = page.nextCursor;
        }
        expect(seen).toEqual([lobby.id]);
      }
      expect((await f.svc.listRooms({ userId: MEMBER, cursor: '', limit: 100 })).rooms.map((r) => r.id)).toEqual([lobby.id, closed.id]);
    });

    it("a member's cursor given to the stranger only moves where the stranger's own list starts", async () => {
      const { f, closed, lobby } = await setUp();
      // The member's first page of one is the (newer) lobby; the next page, from its cursor, the private room.
      const first = await f.svc.listRooms({ userId: MEMBER, cursor: '', limit: 1 });
      expect(first.rooms.map((r) => r.id)).toEqual([lobby.id]);
      expect((await f.svc.listRooms({ userId: MEMBER, cursor: first.nextCursor, limit: 10 })).rooms.map((r) => r.id)).toEqual([closed.id]);
      expect(await f.svc.listRooms({ userId: STRANGER, cursor: first.nextCursor, limit: 10 })).toEqual({ rooms: [], nextCursor: '', isEnd: true });
    });
  });
}
