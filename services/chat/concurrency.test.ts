// Seqs, resends and quotas under concurrent calls, on SQLite and on a real MariaDB (required in
// CI), where the calls run on separate connections at once (REPEATABLE READ, row locks): each
// room's counter row is incremented in the transaction that stores the message, so 200 senders
// at once into one room get exactly the seqs 1 … 200; a key sent twice at once is stored once
// and takes one seq; and the room and member quotas hold under a burst of creates and adds.
import { describe, expect, it } from 'vitest';
import { Code, SurgeError } from '#kit/errors';
import { testDatabases } from '#kit/testing';
import type { SendReply } from '#gen/surge/chat/v1/chat';
import { chatFixturesOn, sendRequest, type ChatFixture } from './testing/fixture.js';

/** How each call ended: 'ok', or its refusal's code. */
const outcomes = (settled: PromiseSettledResult<unknown>[]) =>
  settled.map((s) => (s.status === 'fulfilled' ? 'ok' : s.reason instanceof SurgeError ? s.reason.code : String(s.reason)));

const count = (list: readonly unknown[], value: unknown) => list.filter((v) => v === value).length;
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** A room's stored seqs in order, and its counter: read past the service. */
async function storedSeqs(f: ChatFixture, roomId: number) {
  const rows = await f.db.db.selectFrom('messages').select('seq').where('room_id', '=', roomId).orderBy('seq').execute();
  const room = await f.db.db.selectFrom('rooms').select('last_seq').where('id', '=', roomId).executeTakeFirstOrThrow();
  return { seqs: rows.map((r) => Number(r.seq)), lastSeq: Number(room.last_seq) };
}

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`chat under concurrent calls on ${kind.name}`, () => {
    const open = chatFixturesOn(kind);

    it('200 sends at once into one room, from 20 senders: seqs exactly 1 … 200, one per message', async () => {
      const f = await open();
      const room = await f.room(1);
      const replies = await Promise.all(range(200).map((i) => f.svc.send(sendRequest(1 + (i % 20), room.id, `burst-${i}`, { content: `message ${i}` }))));
      expect(replies.map((r) => r.message!.seq).sort((a, b) => a - b)).toEqual(range(200));
      expect(replies.every((r) => !r.replayed)).toBe(true);
      expect(await storedSeqs(f, room.id)).toEqual({ seqs: range(200), lastSeq: 200 });
      // Each answer is the stored row: the seq it was told is the seq the history holds for it.
      const history = new Map<number, string>();
      for (let before = 0; ; ) {
        const page = await f.svc.history({ userId: 1, roomId: room.id, beforeSeq: before, limit: 100 });
        for (const m of page.messages) history.set(m.seq, m.clientMsgId);
        if (page.isEnd) break;
        before = page.messages[page.messages.length - 1]!.seq;
      }
      expect(new Map(replies.map((r) => [r.message!.seq, r.message!.clientMsgId]))).toEqual(history);
    });

    it('100 keys each sent twice at once: 100 stored with seqs 1 … 100, both answers of a key the same message, one of them replayed', async () => {
      const f = await open();
      const room = await f.room(1);
      const calls = [0, 1].flatMap(() => range(100).map((i) => f.svc.send(sendRequest(1 + (i % 10), room.id, `twice-${i}`, { content: `message ${i}` }))));
      const replies = await Promise.all(calls);
      const byKey = new Map<string, SendReply[]>();
      for (const r of replies) byKey.set(`${r.message!.userId}/${r.message!.clientMsgId}`, [...(byKey.get(`${r.message!.userId}/${r.message!.clientMsgId}`) ?? []), r]);
      expect(byKey.size).toBe(100);
      for (const pair of byKey.values()) {
        expect(pair).toHaveLength(2);
        expect(pair[0]!.message).toEqual(pair[1]!.message);
        expect(pair.filter((r) => r.replayed)).toHaveLength(1);
      }
      expect(await storedSeqs(f, room.id)).toEqual({ seqs: range(100), lastSeq: 100 });
    });

    it('sends into four rooms at once, 50 each: every room numbered 1 … 50 on its own', async () => {
      const f = await open();
      const rooms = await Promise.all([1, 2, 3, 4].map((owner) => f.room(owner, { private: owner % 2 === 0 })));
      await Promise.all(rooms.flatMap((room) => range(50).map((i) => f.svc.send(sendRequest(room.ownerId, room.id, `r${room.id}-${i}`)))));
      for (const room of rooms) expect(await storedSeqs(f, room.id)).toEqual({ seqs: range(50), lastSeq: 50 });
    });

    it('20 CreateRoom calls at once by one owner with chat.maxRoomsPerUser 5: exactly 5 rooms, 15 RateLimited', async () => {
      const f = await open({ maxRoomsPerUser: 5 });
      const ends = outcomes(await Promise.allSettled(range(20).map((i) => f.room(7, { name: `room ${i}`, private: i % 2 === 0 }))));
      expect(count(ends, 'ok')).toBe(5);
      expect(count(ends, Code.RateLimited)).toBe(15);
      expect(await f.db.db.selectFrom('rooms').select('id').where('owner_id', '=', 7).execute()).toHaveLength(5);
      const owner = await f.db.db.selectFrom('room_owners').select('rooms_owned').where('user_id', '=', 7).executeTakeFirstOrThrow();
      expect(Number(owner.rooms_owned)).toBe(5);
    });

    it('30 AddMember calls at once with chat.maxMembersPerRoom 10, each user added twice: 9 added once each, the rest refused or answered added = false', async () => {
      const f = await open({ maxMembersPerRoom: 10 });
      const room = await f.room(1, { private: true });
      const members = range(15).map((i) => 100 + i);
      const settled = await Promise.allSettled([...members, ...members].map((memberId) => f.svc.addMember({ userId: 1, roomId: room.id, memberId })));
      const added = settled.filter((s) => s.status === 'fulfilled' && s.value.added).length;
      expect(added).toBe(9);
      const stored = await f.db.db.selectFrom('room_members').select('user_id').where('room_id', '=', room.id).execute();
      expect(stored).toHaveLength(10);
      expect(new Set(stored.map((r) => Number(r.user_id))).size).toBe(10);
      const counted = await f.db.db.selectFrom('rooms').select('member_count').where('id', '=', room.id).executeTakeFirstOrThrow();
      expect(Number(counted.member_count)).toBe(10);
      // Every refusal is the quota's, nothing else.
      expect(outcomes(settled).filter((o) => o !== 'ok').every((o) => o === Code.RateLimited)).toBe(true);
    });
  });
}
