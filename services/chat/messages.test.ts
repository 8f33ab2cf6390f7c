// Messages on SQLite and, when reachable (required in CI), MariaDB: each room numbers its messages
// 1, 2, 3 …; a resend under the same client_msg_id is stored once; content is trimmed and masked;
// History pages newest first down to seq 1, and Since brings a reconnecting client up to date or
// tells it to reload (recovery: offset + epoch).
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { rejectionOf, testDatabases } from '#kit/testing';
import type { ChatMessage } from '#gen/surge/chat/v1/chat';
import { chatFixturesOn, sendRequest, type ChatFixture } from './testing/fixture.js';

/** The stored messages of a room, as rows in seq order: what the writes left, read past the service. */
const rowsOf = async (f: ChatFixture, roomId: number) =>
  (await f.db.db.selectFrom('messages').select(['seq', 'user_id', 'content', 'client_msg_id']).where('room_id', '=', roomId).orderBy('seq').execute()).map((r) => ({
    seq: Number(r.seq),
    userId: Number(r.user_id),
    content: r.content,
    clientMsgId: r.client_msg_id,
  }));

/** Sends `n` messages from user 1 into the room, one after another: their stored forms, seq 1 … n. */
async function fill(f: ChatFixture, roomId: number, n: number, userId = 1): Promise<ChatMessage[]> {
  const sent: ChatMessage[] = [];
  for (let i = 1; i <= n; i++) sent.push((await f.svc.send(sendRequest(userId, roomId, `m-${i}`, { content: `message ${i}` }))).message!);
  return sent;
}

const seqs = (messages: readonly ChatMessage[]) => messages.map((m) => m.seq);
const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`messages on ${kind.name}`, () => {
    const open = chatFixturesOn(kind);

    describe('Send', () => {
      it('stores the message as the room’s next seq and answers it whole', async () => {
        const f = await open();
        const room = await f.room(1);
        const first = await f.svc.send(sendRequest(2, room.id, 'c-1', { content: '  hi all\nfirst post  ' }));
        expect(first).toEqual({
          message: { id: first.message!.id, roomId: room.id, seq: 1, userId: 2, content: 'hi all\nfirst post', clientMsgId: 'c-1', createdAt: f.clock.now() },
          replayed: false,
        });
        f.clock.advance(1000);
        const second = await f.svc.send(sendRequest(3, room.id, 'c-1'));
        expect(second.message).toMatchObject({ seq: 2, userId: 3, createdAt: f.clock.now() });
        expect(await rowsOf(f, room.id)).toEqual([
          { seq: 1, userId: 2, content: 'hi all\nfirst post', clientMsgId: 'c-1' },
          { seq: 2, userId: 3, content: 'hello from 3', clientMsgId: 'c-1' },
        ]);
        expect((await f.svc.getRoom({ userId: 1, roomId: room.id })).lastSeq).toBe(2);
      });

      it('stores content of any script and emoji as sent, byte for byte', async () => {
        const f = await open();
        const room = await f.room(1);
        const content = '你好 👋🏽 Привет — مرحبا ñ 𝔘';
        const sent = await f.svc.send(sendRequest(2, room.id, 'Key-1.a_b', { content }));
        expect(sent.message).toMatchObject({ seq: 1, content, clientMsgId: 'Key-1.a_b' });
        expect(await rowsOf(f, room.id)).toEqual([{ seq: 1, userId: 2, content, clientMsgId: 'Key-1.a_b' }]);
      });

      it('answers Internal when a row written outside a send took the next seq, stores nothing, and sends on after it', async () => {
        const f = await open();
        const room = await f.room(1);
        await fill(f, room.id, 1);
        await f.db.db.insertInto('messages').values({ id: 9_000_001, room_id: room.id, seq: 2, user_id: 7, content: 'written by hand', client_msg_id: 'outside', created_at: 0 }).execute();
        // Every connection of the pool, so one the failed send used is among them.
        const failed = await Promise.allSettled(range(1, 12).map((i) => f.svc.send(sendRequest(2, room.id, `x-${i}`))));
        expect(failed.every((r) => r.status === 'rejected' && (r.reason as { code?: unknown }).code === Code.Internal)).toBe(true);
        expect((await f.svc.getRoom({ userId: 1, roomId: room.id })).lastSeq).toBe(1);
        // The writes were rolled back whole: with the counter moved past the stray row, sends go on.
        await f.db.db.updateTable('rooms').set({ last_seq: 2 }).where('id', '=', room.id).execute();
        const next = await Promise.all(range(1, 12).map((i) => f.svc.send(sendRequest(3, room.id, `y-${i}`))));
        expect(next.map((r) => r.message!.seq).sort((a, b) => a - b)).toEqual(range(3, 14));
        expect((await rowsOf(f, room.id)).map((r) => r.seq)).toEqual(range(1, 14));
      });

      it('numbers each room on its own', async () => {
        const f = await open();
        const a = await f.room(1);
        const b = await f.room(1);
        await fill(f, a.id, 3);
        await fill(f, b.id, 2);
        expect((await rowsOf(f, a.id)).map((r) => r.seq)).toEqual([1, 2, 3]);
        expect((await rowsOf(f, b.id)).map((r) => r.seq)).toEqual([1, 2]);
      });

      it('stores a resent client_msg_id once: the resend answers the stored message, replayed, whatever it carries, and takes no seq', async () => {
        const f = await open();
        const room = await f.room(1);
        const first = await f.svc.send(sendRequest(2, room.id, 'k-1', { content: 'original' }));
        f.clock.advance(60_000);
        const again = await f.svc.send(sendRequest(2, room.id, 'k-1', { content: 'edited on retry' }));
        expect(again).toEqual({ message: first.message, replayed: true });
        // The next message takes seq 2: the refused insert's increment rolled back with it.
        expect((await f.svc.send(sendRequest(2, room.id, 'k-2'))).message!.seq).toBe(2);
        expect(await rowsOf(f, room.id)).toEqual([
          { seq: 1, userId: 2, content: 'original', clientMsgId: 'k-1' },
          { seq: 2, userId: 2, content: 'hello from 2', clientMsgId: 'k-2' },
        ]);
        expect((await f.svc.getRoom({ userId: 2, roomId: room.id })).lastSeq).toBe(2);
      });

      it('keys a client_msg_id by sender and room, byte for byte: other senders, other rooms and another case are other messages', async () => {
        const f = await open();
        const a = await f.room(1);
        const b = await f.room(1);
        const sent = [
          await f.svc.send(sendRequest(2, a.id, 'Msg-1')),
          await f.svc.send(sendRequest(3, a.id, 'Msg-1')),
          await f.svc.send(sendRequest(2, b.id, 'Msg-1')),
          await f.svc.send(sendRequest(2, a.id, 'msg-1')),
        ];
        expect(sent.map((s) => [s.message!.roomId === a.id ? 'a' : 'b', s.message!.seq, s.replayed])).toEqual([
          ['a', 1, false],
          ['a', 2, false],
          ['b', 1, false],
          ['a', 3, false],
        ]);
      });

      it('masks the configured words in any case, full-width, and with invisible characters between letters', async () => {
        const f = await open();
        const room = await f.room(1);
        expect((await f.svc.send(sendRequest(2, room.id, 'w-1', { content: 'What SHIT weather' }))).message!.content).toBe('What **** weather');
        expect((await f.svc.send(sendRequest(2, room.id, 'w-2', { content: 'ｓｈｉｔ，傻逼' }))).message!.content).toBe('****，**');
        expect((await f.svc.send(sendRequest(2, room.id, 'w-3', { content: 'sh\u200bit' }))).message!.content).toBe('*****');
        expect((await rowsOf(f, room.id)).map((r) => r.content)).toEqual(['What **** weather', '****，**', '*****']);
      });

      it('masks the words chat.blockedWords names, and none when it is []', async () => {
        const custom = await open({ blockedWords: ['durian'] });
        const room = await custom.room(1);
        expect((await custom.svc.send(sendRequest(2, room.id, 'd-1', { content: 'Durian and shit' }))).message!.content).toBe('****** and shit');
        const none = await open({ blockedWords: [] });
        const other = await none.room(1);
        expect((await none.svc.send(sendRequest(2, other.id, 'd-1', { content: 'shit' }))).message!.content).toBe('shit');
      });

      it('takes chat.maxMessageChars characters after trimming, and refuses one more naming content', async () => {
        const f = await open({ maxMessageChars: 10 });
        const room = await f.room(1);
        expect((await f.svc.send(sendRequest(2, room.id, 'l-1', { content: `  ${'好'.repeat(10)}  ` }))).message!.content).toBe('好'.repeat(10));
        const e = await rejectionOf(f.svc.send(sendRequest(2, room.id, 'l-2', { content: 'x'.repeat(11) })), Code.InvalidArgument);
        expect(e.details).toEqual({ field: 'content' });
        expect(await rowsOf(f, room.id)).toHaveLength(1);
      });

      it('lets anyone send into a public room, and only members into a private one', async () => {
        const f = await open();
        const lobby = await f.room(1);
        const closed = await f.room(1, { private: true });
        await f.svc.addMember({ userId: 1, roomId: closed.id, memberId: 2 });
        expect((await f.svc.send(sendRequest(9, lobby.id, 'p-1'))).message!.seq).toBe(1);
        expect((await f.svc.send(sendRequest(1, closed.id, 'p-1'))).message!.seq).toBe(1);
        expect((await f.svc.send(sendRequest(2, closed.id, 'p-1'))).message!.seq).toBe(2);
        const e = await rejectionOf(f.svc.send(sendRequest(9, closed.id, 'p-1')), Code.NotFound);
        expect(e.details).toEqual({ field: 'room_id', resource: 'room' });
        expect((await rowsOf(f, closed.id)).map((r) => r.userId)).toEqual([1, 2]);
      });

      it('refuses a room that does not exist: NotFound naming room_id', async () => {
        const f = await open();
        const e = await rejectionOf(f.svc.send(sendRequest(1, 12345, 'x-1')), Code.NotFound);
        expect(e.details).toEqual({ field: 'room_id', resource: 'room' });
        expect(await f.db.db.selectFrom('messages').select('id').execute()).toEqual([]);
      });
    });

    describe('History', () => {
      it('pages newest first down to seq 1, the next page asked with before_seq = the last seq', async () => {
        const f = await open();
        const room = await f.room(1);
        const sent = await fill(f, room.id, 7);
        const first = await f.svc.history({ userId: 5, roomId: room.id, beforeSeq: 0, limit: 3 });
        expect(first).toEqual({ messages: [sent[6], sent[5], sent[4]], isEnd: false, epoch: room.epoch, lastSeq: 7 });
        const second = await f.svc.history({ userId: 5, roomId: room.id, beforeSeq: 5, limit: 3 });
        expect(seqs(second.messages)).toEqual([4, 3, 2]);
        expect(second.isEnd).toBe(false);
        const last = await f.svc.history({ userId: 5, roomId: room.id, beforeSeq: 2, limit: 3 });
        expect(last.messages).toEqual([sent[0]]);
        expect(last.isEnd).toBe(true);
        // A page that ends exactly at seq 1 says so: no empty page is needed to learn it.
        expect(await f.svc.history({ userId: 5, roomId: room.id, beforeSeq: 4, limit: 3 })).toMatchObject({ isEnd: true });
        expect(await f.svc.history({ userId: 5, roomId: room.id, beforeSeq: 1, limit: 3 })).toEqual({ messages: [], isEnd: true, epoch: room.epoch, lastSeq: 7 });
      });

      it('answers an empty room, a before_seq past the newest, and limit 0 (50) and past 100 (100)', async () => {
        const f = await open();
        const room = await f.room(1);
        expect(await f.svc.history({ userId: 1, roomId: room.id, beforeSeq: 0, limit: 0 })).toEqual({ messages: [], isEnd: true, epoch: room.epoch, lastSeq: 0 });
        await fill(f, room.id, 120);
        expect(seqs((await f.svc.history({ userId: 1, roomId: room.id, beforeSeq: 0, limit: 0 })).messages)).toEqual(range(71, 120).reverse());
        expect(seqs((await f.svc.history({ userId: 1, roomId: room.id, beforeSeq: 0, limit: 500 })).messages)).toEqual(range(21, 120).reverse());
        expect(seqs((await f.svc.history({ userId: 1, roomId: room.id, beforeSeq: 9999, limit: 2 })).messages)).toEqual([120, 119]);
      });

      it('shows a private room’s history to its members only; anyone else gets NotFound', async () => {
        const f = await open();
        const closed = await f.room(1, { private: true });
        await f.svc.addMember({ userId: 1, roomId: closed.id, memberId: 2 });
        await fill(f, closed.id, 2);
        expect(seqs((await f.svc.history({ userId: 2, roomId: closed.id, beforeSeq: 0, limit: 10 })).messages)).toEqual([2, 1]);
        await rejectionOf(f.svc.history({ userId: 3, roomId: closed.id, beforeSeq: 0, limit: 10 }), Code.NotFound);
      });
    });

    describe('Since', () => {
      it('answers the messages after since_seq, oldest first, with the room’s epoch and last seq', async () => {
        const f = await open();
        const room = await f.room(1);
        const sent = await fill(f, room.id, 6);
        expect(await f.svc.since({ userId: 3, roomId: room.id, sinceSeq: 2, epoch: room.epoch, limit: 0 })).toEqual({
          messages: sent.slice(2),
          tooFar: false,
          epoch: room.epoch,
          lastSeq: 6,
        });
        expect(seqs((await f.svc.since({ userId: 3, roomId: room.id, sinceSeq: 0, epoch: '', limit: 0 })).messages)).toEqual(range(1, 6));
        // Up to date: nothing missed, nothing to reload.
        expect(await f.svc.since({ userId: 3, roomId: room.id, sinceSeq: 6, epoch: room.epoch, limit: 0 })).toEqual({ messages: [], tooFar: false, epoch: room.epoch, lastSeq: 6 });
      });

      it('reads a gap longer than limit page by page, since_seq moving to the last seq served: every message once, in order', async () => {
        const f = await open();
        const room = await f.room(1);
        await fill(f, room.id, 23);
        const got: number[] = [];
        let sinceSeq = 4;
        for (let calls = 0; calls < 10; calls++) {
          const page = await f.svc.since({ userId: 2, roomId: room.id, sinceSeq, epoch: room.epoch, limit: 5 });
          expect(page.tooFar).toBe(false);
          got.push(...seqs(page.messages));
          if (page.messages.length === 0) break;
          sinceSeq = page.messages[page.messages.length - 1]!.seq;
        }
        expect(got).toEqual(range(5, 23));
      });

      it('recovers up to chat.recoveryLimit missed messages; one more is too_far with no messages', async () => {
        const f = await open({ recoveryLimit: 10 });
        const room = await f.room(1);
        await fill(f, room.id, 15);
        expect(seqs((await f.svc.since({ userId: 2, roomId: room.id, sinceSeq: 5, epoch: room.epoch, limit: 0 })).messages)).toEqual(range(6, 15));
        expect(await f.svc.since({ userId: 2, roomId: room.id, sinceSeq: 4, epoch: room.epoch, limit: 0 })).toEqual({ messages: [], tooFar: true, epoch: room.epoch, lastSeq: 15 });
        expect((await f.svc.since({ userId: 2, roomId: room.id, sinceSeq: 0, epoch: '', limit: 0 })).tooFar).toBe(true);
      });

      it('says too_far for seqs of another history: an epoch that is not the room’s, or a since_seq past its last seq', async () => {
        const f = await open();
        const room = await f.room(1);
        const other = await f.room(1);
        await fill(f, room.id, 3);
        expect(await f.svc.since({ userId: 2, roomId: room.id, sinceSeq: 1, epoch: other.epoch, limit: 0 })).toEqual({ messages: [], tooFar: true, epoch: room.epoch, lastSeq: 3 });
        expect(await f.svc.since({ userId: 2, roomId: room.id, sinceSeq: 4, epoch: room.epoch, limit: 0 })).toEqual({ messages: [], tooFar: true, epoch: room.epoch, lastSeq: 3 });
        expect(await f.svc.since({ userId: 2, roomId: room.id, sinceSeq: 4, epoch: '', limit: 0 })).toMatchObject({ tooFar: true });
      });

      it('brings a client that left and came back up to date: no message missed, none twice', async () => {
        const f = await open();
        const room = await f.room(1);
        // The client saw messages 1–4 live, then lost its connection while 5–9 were sent.
        const live = await fill(f, room.id, 4);
        for (let i = 5; i <= 9; i++) await f.svc.send(sendRequest(2 + (i % 3), room.id, `away-${i}`));
        const recovered = await f.svc.since({ userId: 1, roomId: room.id, sinceSeq: live[3]!.seq, epoch: room.epoch, limit: 0 });
        const seen = [...seqs(live), ...seqs(recovered.messages)];
        expect(seen).toEqual(range(1, 9));
        expect(recovered.lastSeq).toBe(9);
      });
    });
  });
}
