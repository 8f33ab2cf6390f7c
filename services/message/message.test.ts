// The message service through its handlers, on SQLite and (when reachable) MariaDB: rules,
// ordering, `after` paging, strictly increasing times under concurrency, and Latest.
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '#kit/clock';
import { Code } from '#kit/errors';
import { createIdGenerator } from '#kit/ids';
import { createCallContext } from '#kit/rpc';
import { rejectionOf, testDatabases } from '#kit/testing';
import type { ChatMessage } from '#gen/surge/message/v1/message';
import { defineMessageService, MAX_IDS_PER_BATCH, messageMigrations, type MessageDB } from './index.js';

const ctx = createCallContext({ clock: systemClock });
const T0 = 1_700_000_000_000;

const refusedField = async (p: Promise<unknown>): Promise<string> => String((await rejectionOf(p, Code.InvalidArgument)).details?.field);

const times = (ms: readonly ChatMessage[]) => ms.map((m) => m.createdAt);

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`message service on ${kind.name}`, () => {
    afterAll(() => kind.cleanup());

    let worker = 0;
    async function setup() {
      const db = await kind.open<MessageDB>('message', messageMigrations);
      const clock = new ManualClock(T0);
      const ids = createIdGenerator({ workerId: ++worker });
      return { db, clock, svc: defineMessageService({ db, clock, ids }) };
    }

    it('refuses bad input, naming the field', async () => {
      const { svc } = await setup();
      expect(await refusedField(svc.send({ fromUserId: 0, toUserId: 2, content: 'hi' }, ctx))).toBe('from_user_id');
      expect(await refusedField(svc.send({ fromUserId: 1, toUserId: -2, content: 'hi' }, ctx))).toBe('to_user_id');
      const self = svc.send({ fromUserId: 1, toUserId: 1, content: 'hi' }, ctx);
      await expect(self).rejects.toThrow('to_user_id: you cannot send a message to yourself');
      expect(await refusedField(svc.send({ fromUserId: 1, toUserId: 2, content: '   ' }, ctx))).toBe('content');
      expect(await refusedField(svc.send({ fromUserId: 1, toUserId: 2, content: 'x'.repeat(1001) }, ctx))).toBe('content');
      expect(await refusedField(svc.chat({ userId: 1, peerId: 1, after: 0 }, ctx))).toBe('peer_id');
      expect(await refusedField(svc.chat({ userId: 0, peerId: 2, after: 0 }, ctx))).toBe('user_id');
      expect(await refusedField(svc.chat({ userId: 1, peerId: 2, after: -5 }, ctx))).toBe('after');
      const tooMany = Array.from({ length: MAX_IDS_PER_BATCH + 1 }, (_, i) => i + 2);
      expect(await refusedField(svc.latest({ userId: 1, peerIds: tooMany }, ctx))).toBe('peer_ids');
      expect(await refusedField(svc.latest({ userId: 1, peerIds: [2, 0] }, ctx))).toBe('peer_ids');
    });

    it('stores trimmed content with the clock time, and keeps 1000 characters of emoji intact', async () => {
      const { svc } = await setup();
      const sent = await svc.send({ fromUserId: 1, toUserId: 2, content: '  hello  ' }, ctx);
      expect(sent).toMatchObject({ fromUserId: 1, toUserId: 2, content: 'hello', createdAt: T0 });
      expect(sent.id).toBeGreaterThan(0);
      const long = '好😀'.repeat(500);
      await svc.send({ fromUserId: 2, toUserId: 1, content: long }, ctx);
      const { messages } = await svc.chat({ userId: 1, peerId: 2, after: 0 }, ctx);
      expect(messages).toEqual([sent, expect.objectContaining({ fromUserId: 2, toUserId: 1, content: long, createdAt: T0 + 1 })]);
    });

    it('gives both directions of a conversation one strictly increasing clock while the clock stands still', async () => {
      const { svc, clock } = await setup();
      const a = await svc.send({ fromUserId: 10, toUserId: 20, content: 'a' }, ctx);
      const b = await svc.send({ fromUserId: 20, toUserId: 10, content: 'b' }, ctx);
      clock.advance(100);
      const c = await svc.send({ fromUserId: 10, toUserId: 20, content: 'c' }, ctx);
      expect(times([a, b, c])).toEqual([T0, T0 + 1, T0 + 100]);
      // Another conversation at the same instant has its own clock.
      expect((await svc.send({ fromUserId: 10, toUserId: 30, content: 'x' }, ctx)).createdAt).toBe(T0 + 100);
    });

    it('a sender whose clock is behind still writes after the conversation’s last message', async () => {
      const { db, svc } = await setup();
      await svc.send({ fromUserId: 1, toUserId: 2, content: 'now' }, ctx);
      // A second instance over the same database, its clock a minute behind.
      const behind = defineMessageService({ db, clock: new ManualClock(T0 - 60_000), ids: createIdGenerator({ workerId: 100 }) });
      const late = await behind.send({ fromUserId: 2, toUserId: 1, content: 'late' }, ctx);
      expect(late.createdAt).toBe(T0 + 1);
    });

    it('50 concurrent sends at one instant, in both directions and from two instances, get 50 distinct increasing times', async () => {
      const { db, clock, svc } = await setup();
      const other = defineMessageService({ db, clock, ids: createIdGenerator({ workerId: 101 }) });
      const sent = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          (i % 2 === 0 ? svc : other).send({ fromUserId: i % 3 === 0 ? 7 : 8, toUserId: i % 3 === 0 ? 8 : 7, content: `m${i}` }, ctx),
        ),
      );
      expect(new Set(times(sent)).size).toBe(50);
      expect(new Set(sent.map((m) => m.id)).size).toBe(50);
      const { messages } = await svc.chat({ userId: 8, peerId: 7, after: 0 }, ctx);
      expect(times(messages)).toEqual(Array.from({ length: 50 }, (_, i) => T0 + i));
      expect(messages.map((m) => m.id).sort()).toEqual(sent.map((m) => m.id).sort());
      // Latest is the one with the newest time, whichever transaction finished last.
      const { messages: latest } = await svc.latest({ userId: 7, peerIds: [8] }, ctx);
      expect(latest).toEqual([messages[49]]);
    });

    it('Chat returns the messages after `after`, oldest first, 1000 at most, so polling pages forward', async () => {
      const { db, svc } = await setup();
      // 1005 messages written straight into the table (1005 sends would only slow the test).
      const rows = Array.from({ length: 1005 }, (_, i) => ({
        id: 1_000_000 + i, low_id: 3, high_id: 4, from_user_id: i % 2 ? 3 : 4, to_user_id: i % 2 ? 4 : 3, content: `m${i}`, created_at: T0 - 2000 + i,
      }));
      for (let i = 0; i < rows.length; i += 200) await db.db.insertInto('messages').values(rows.slice(i, i + 200)).execute();
      const first = await svc.chat({ userId: 3, peerId: 4, after: 0 }, ctx);
      expect(first.messages).toHaveLength(1000);
      expect(first.messages[0]!.createdAt).toBe(T0 - 2000);
      const last = first.messages.at(-1)!.createdAt;
      expect(last).toBe(T0 - 2000 + 999);
      const next = await svc.chat({ userId: 4, peerId: 3, after: last }, ctx);
      expect(times(next.messages)).toEqual([0, 1, 2, 3, 4].map((i) => T0 - 2000 + 1000 + i));
      expect((await svc.chat({ userId: 3, peerId: 4, after: next.messages.at(-1)!.createdAt }, ctx)).messages).toEqual([]);
      expect((await svc.chat({ userId: 3, peerId: 5, after: 0 }, ctx)).messages).toEqual([]);
    });

    it('a time already taken in the table is skipped: the send retries one ms later', async () => {
      const { db, svc } = await setup();
      // Rows at T0..T0+2 that the conversation's clock does not know about.
      await db.db.insertInto('messages').values([0, 1, 2].map((i) => ({ id: 2_000_000 + i, low_id: 5, high_id: 6, from_user_id: 5, to_user_id: 6, content: 'old', created_at: T0 + i }))).execute();
      const sent = await svc.send({ fromUserId: 6, toUserId: 5, content: 'new' }, ctx);
      expect(sent.createdAt).toBe(T0 + 3);
      expect(times((await svc.chat({ userId: 5, peerId: 6, after: 0 }, ctx)).messages)).toEqual([T0, T0 + 1, T0 + 2, T0 + 3]);
    });

    it('Latest gives the newest message of each conversation with the peers asked for, in one call', async () => {
      const { svc, clock } = await setup();
      await svc.send({ fromUserId: 50, toUserId: 10, content: 'from a smaller id' }, ctx);
      const ten = await svc.send({ fromUserId: 10, toUserId: 50, content: 'reply' }, ctx);
      clock.advance(5);
      const ninety = await svc.send({ fromUserId: 90, toUserId: 50, content: 'from a larger id' }, ctx);
      await svc.send({ fromUserId: 90, toUserId: 10, content: 'not with 50' }, ctx);
      const { messages } = await svc.latest({ userId: 50, peerIds: [90, 10, 10, 50, 77] }, ctx);
      expect([...messages].sort((x, y) => x.createdAt - y.createdAt)).toEqual([ten, ninety]);
      expect((await svc.latest({ userId: 50, peerIds: [] }, ctx)).messages).toEqual([]);
      expect((await svc.latest({ userId: 51, peerIds: [10, 90] }, ctx)).messages).toEqual([]);
    });
  });
}
