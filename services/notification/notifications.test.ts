// The notification service on SQLite and MariaDB: events through a memory queue become one
// aggregate per (recipient, type, target) with its distinct actors counted and the latest three
// kept; a redelivered event counts once; nobody is told of their own action; unlikes take nothing
// back; read marks, the unread count and a new actor making a row unread again; one user never
// lists or marks another's; the list paged newest updated first; system messages.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { rejectionOf, testDatabases } from '#kit/testing';
import type { Notification } from '#gen/surge/notification/v1/notification';
import { ACCEPTED, ANSWERED } from '../qa/events.js';
import { TARGET_COMMENTED, TARGET_LIKED } from '../interaction/events.js';
import { RELATION_FOLLOWED } from '../relation/events.js';
import { notificationFixturesOn, type NotificationFixture } from './testing/fixture.js';

const like = (userId: number, targetId: number, ownerId: number, delta = 1) => ({ userId, biz: 'article', targetId, ownerId, delta });
const comment = (userId: number, targetId: number, ownerId: number, replyToUserId = 0, delta = 1) => ({ biz: 'article', targetId, ownerId, commentId: 77, userId, rootId: replyToUserId ? 76 : 0, replyToUserId, delta });

/** The fields a test reads of a notification: who, about what, how many. */
const brief = (n: Notification) => ({ type: n.type, biz: n.biz, targetId: n.targetId, actorIds: n.actorIds, actorCount: n.actorCount, read: n.read });

const countOf = async (f: NotificationFixture, userId: number, type: string) => (await f.all(userId)).find((n) => n.type === type)?.actorCount ?? 0;

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`notification service on ${kind.name}`, () => {
    const open = notificationFixturesOn(kind);

    it('aggregates 4 likes of one article into one notification: actor_count 4, the latest 3 actors newest first, updated at the last', async () => {
      const f = await open();
      const created = f.clock.now();
      for (const [i, actor] of [11, 12, 13, 14].entries()) {
        await f.queue.publish(TARGET_LIKED, like(actor, 500, 1));
        await f.until(async () => (await countOf(f, 1, 'like')) === i + 1);
        f.clock.advance(1000);
      }
      const [n, ...rest] = await f.all(1);
      expect(rest).toEqual([]);
      expect(brief(n!)).toEqual({ type: 'like', biz: 'article', targetId: 500, actorIds: [14, 13, 12], actorCount: 4, read: false });
      expect(n).toMatchObject({ userId: 1, createdAt: created, updatedAt: created + 3000, title: '', body: '' });

      // An unlike takes nothing back, and the same user liking again is no new actor.
      await f.queue.publish(TARGET_LIKED, like(12, 500, 1, -1));
      await f.queue.publish(TARGET_LIKED, like(12, 500, 1));
      // A like of another article is another row, above (updated later).
      f.clock.advance(1000);
      await f.queue.publish(TARGET_LIKED, like(15, 501, 1));
      await f.until(async () => (await f.all(1)).length === 2);
      const [other, first] = await f.all(1);
      expect(brief(other!)).toMatchObject({ targetId: 501, actorIds: [15], actorCount: 1 });
      expect(brief(first!)).toMatchObject({ targetId: 500, actorIds: [14, 13, 12], actorCount: 4 });
      expect((await f.svc.unreadCount({ userId: 1 })).unreadCount).toBe(2);
    });

    it('counts a redelivered event once: the same message id twice adds one actor', async () => {
      const f = await open();
      await f.handlers.liked(f.message('m-1', like(21, 600, 2)));
      await f.handlers.liked(f.message('m-1', like(21, 600, 2)));
      // Even a different payload under the same id is the same event, already applied.
      await f.handlers.liked(f.message('m-1', like(22, 600, 2)));
      expect((await f.all(2)).map(brief)).toEqual([{ type: 'like', biz: 'article', targetId: 600, actorIds: [21], actorCount: 1, read: false }]);
      await f.handlers.liked(f.message('m-2', like(22, 600, 2)));
      expect((await f.all(2)).map(brief)).toEqual([{ type: 'like', biz: 'article', targetId: 600, actorIds: [22, 21], actorCount: 2, read: false }]);
    });

    it('tells nobody of their own action, and nothing of unlikes and removed comments', async () => {
      const f = await open();
      await f.handlers.liked(f.message('s-1', like(3, 700, 3)));
      await f.handlers.commented(f.message('s-2', comment(3, 700, 3)));
      await f.handlers.commented(f.message('s-3', comment(4, 700, 3, 4)));
      await f.handlers.answered(f.message('s-4', { questionId: 9, askerId: 3, answerId: 10, answererId: 3 }));
      await f.handlers.accepted(f.message('s-5', { questionId: 9, answerId: 10, askerId: 3, answererId: 3 }));
      await f.handlers.liked(f.message('s-6', like(5, 700, 3, -1)));
      await f.handlers.commented(f.message('s-7', comment(5, 700, 3, 0, -3)));
      await f.handlers.followed(f.message('s-8', { followerId: 5, followeeId: 3, delta: -1 }));
      expect(await f.all(3)).toEqual([]);
      expect(await f.all(4)).toEqual([]);
      expect((await f.svc.unreadCount({ userId: 3 })).unreadCount).toBe(0);
    });

    it('makes each type from its event: comment to the owner, reply to the one replied to, follow, answer, accepted', async () => {
      const f = await open();
      await f.queue.publish(TARGET_COMMENTED, comment(31, 800, 30));
      await f.queue.publish(TARGET_COMMENTED, comment(32, 800, 30, 31));
      await f.queue.publish(RELATION_FOLLOWED, { followerId: 31, followeeId: 30, delta: 1 });
      await f.queue.publish(RELATION_FOLLOWED, { followerId: 32, followeeId: 30, delta: 1 });
      await f.queue.publish(ANSWERED, { questionId: 90, askerId: 30, answerId: 91, answererId: 33 });
      await f.queue.publish(ACCEPTED, { questionId: 90, answerId: 91, askerId: 30, answererId: 33 });
      await f.until(async () => (await f.all(30)).length === 3 && (await countOf(f, 30, 'follow')) === 2 && (await f.all(31)).length === 1 && (await f.all(33)).length === 1);
      const byType = (list: Notification[]) => Object.fromEntries(list.map((n) => [n.type, brief(n)]));
      expect(byType(await f.all(30))).toEqual({
        comment: { type: 'comment', biz: 'article', targetId: 800, actorIds: [31], actorCount: 1, read: false },
        follow: { type: 'follow', biz: 'user', targetId: 30, actorIds: [expect.any(Number), expect.any(Number)], actorCount: 2, read: false },
        answer: { type: 'answer', biz: 'question', targetId: 90, actorIds: [33], actorCount: 1, read: false },
      });
      expect((await f.all(30)).find((n) => n.type === 'follow')!.actorIds.sort()).toEqual([31, 32]);
      expect((await f.all(31)).map(brief)).toEqual([{ type: 'reply', biz: 'article', targetId: 800, actorIds: [32], actorCount: 1, read: false }]);
      expect((await f.all(33)).map(brief)).toEqual([{ type: 'accepted', biz: 'answer', targetId: 91, actorIds: [30], actorCount: 1, read: false }]);
    });

    it('marks read one by one and all at once; a new actor makes a read row unread again and moves it up', async () => {
      const f = await open();
      await f.handlers.liked(f.message('r-1', like(41, 900, 40)));
      f.clock.advance(10);
      await f.handlers.liked(f.message('r-2', like(41, 901, 40)));
      const [newer, older] = await f.all(40);
      expect([newer!.targetId, older!.targetId]).toEqual([901, 900]);
      expect((await f.svc.markRead({ userId: 40, ids: [older!.id] })).unreadCount).toBe(1);
      expect((await f.all(40)).map((n) => [n.targetId, n.read])).toEqual([[901, false], [900, true]]);
      // Again: no change. An unknown id: ignored.
      expect((await f.svc.markRead({ userId: 40, ids: [older!.id, 987654321] })).unreadCount).toBe(1);

      f.clock.advance(10);
      await f.handlers.liked(f.message('r-3', like(42, 900, 40)));
      expect((await f.all(40)).map((n) => [n.targetId, n.read, n.actorCount])).toEqual([[900, false, 2], [901, false, 1]]);
      // An actor already counted changes nothing: the row stays read.
      await f.svc.markRead({ userId: 40, ids: [older!.id] });
      await f.handlers.liked(f.message('r-4', like(42, 900, 40)));
      expect((await f.all(40)).find((n) => n.targetId === 900)!.read).toBe(true);

      expect((await f.svc.markAllRead({ userId: 40 })).unreadCount).toBe(0);
      expect((await f.all(40)).every((n) => n.read)).toBe(true);
      expect((await f.svc.list({ userId: 40, cursor: '', limit: 0 })).unreadCount).toBe(0);
    });

    it("keeps users apart: B neither lists nor marks A's notifications", async () => {
      const f = await open();
      await f.handlers.liked(f.message('i-1', like(52, 1000, 50)));
      await f.handlers.liked(f.message('i-2', like(50, 1001, 51)));
      const [mine] = await f.all(50);
      const [theirs] = await f.all(51);
      expect((await f.all(51)).map((n) => n.id)).not.toContain(mine!.id);
      // B marks A's id: B's count and A's row unchanged.
      expect((await f.svc.markRead({ userId: 51, ids: [mine!.id] })).unreadCount).toBe(1);
      expect((await f.all(50))[0]!.read).toBe(false);
      expect((await f.svc.unreadCount({ userId: 50 })).unreadCount).toBe(1);
      // B marks all of theirs: A's untouched.
      await f.svc.markAllRead({ userId: 51 });
      expect((await f.all(51))[0]).toMatchObject({ id: theirs!.id, read: true });
      expect((await f.svc.unreadCount({ userId: 50 })).unreadCount).toBe(1);
      // A cursor from A's list only moves where B's page starts: still only B's rows.
      const page = await f.svc.list({ userId: 50, cursor: '', limit: 1 });
      expect(page.isEnd).toBe(true);
      await f.handlers.liked(f.message('i-3', like(53, 1002, 50)));
      const first = await f.svc.list({ userId: 50, cursor: '', limit: 1 });
      expect((await f.svc.list({ userId: 51, cursor: first.nextCursor, limit: 50 })).notifications.every((n) => n.userId === 51)).toBe(true);
    });

    it('pages the list newest updated first across ties, each notification once', async () => {
      const f = await open();
      // Five targets: three updated at one instant (a tie broken by id), two later.
      for (let t = 0; t < 5; t++) {
        if (t >= 3) f.clock.advance(5);
        await f.handlers.liked(f.message(`p-${t}`, like(61, 1100 + t, 60)));
      }
      const seen: Notification[] = [];
      let cursor = '';
      for (let pages = 1; ; pages++) {
        const page = await f.svc.list({ userId: 60, cursor, limit: 2 });
        expect(page.notifications.length).toBeLessThanOrEqual(2);
        expect(page.unreadCount).toBe(5);
        seen.push(...page.notifications);
        if (page.isEnd) {
          expect(page.nextCursor).toBe('');
          expect(pages).toBe(3);
          break;
        }
        cursor = page.nextCursor;
      }
      const order = [...seen].sort((a, b) => b.updatedAt - a.updatedAt || b.id - a.id);
      expect(seen.map((n) => n.id)).toEqual(order.map((n) => n.id));
      expect(new Set(seen.map((n) => n.targetId)).size).toBe(5);
    });

    it('sends a system message to each user named once, unread, with no target and no actors', async () => {
      const f = await open();
      expect(await f.svc.sendSystem({ userIds: [70, 71, 70], title: '维护通知', body: '今晚 2 点\n停机一小时' })).toEqual({ sent: 2 });
      await f.svc.sendSystem({ userIds: [70], title: 'second', body: 'b' });
      const [second, first] = await f.all(70);
      expect(first).toMatchObject({ userId: 70, type: 'system', biz: '', targetId: 0, actorIds: [], actorCount: 0, read: false, title: '维护通知', body: '今晚 2 点\n停机一小时' });
      expect(second).toMatchObject({ type: 'system', title: 'second' });
      expect(await f.all(71)).toHaveLength(1);
      expect((await f.svc.unreadCount({ userId: 70 })).unreadCount).toBe(2);
    });

    it('counts each distinct actor exactly once under concurrent deliveries (each event delivered twice at once)', async () => {
      const f = await open();
      const actors = Array.from({ length: 30 }, (_, i) => 200 + i);
      // Every actor twice under two ids (two likes), every message delivered twice: 120 handler runs at once.
      const runs = actors.flatMap((actor) => ['a', 'b'].flatMap((m) => [0, 1].map(() => f.handlers.liked(f.message(`c-${actor}-${m}`, like(actor, 1200, 80))))));
      await Promise.all(runs);
      const [n, ...rest] = await f.all(80);
      expect(rest).toEqual([]);
      expect(n!.actorCount).toBe(30);
      expect(n!.actorIds).toHaveLength(3);
      const stored = await f.db.db.selectFrom('notification_actors').select('actor_id').where('notification_id', '=', n!.id).execute();
      expect(stored.map((r) => Number(r.actor_id)).sort()).toEqual(actors);
    });

    it('refuses bad input naming the field, and writes nothing', async () => {
      const f = await open();
      const cases: [string, Promise<unknown>, string][] = [
        ['list of user 0', f.svc.list({ userId: 0, cursor: '', limit: 0 }), 'user_id'],
        ['a negative limit', f.svc.list({ userId: 1, cursor: '', limit: -1 }), 'limit'],
        ['a forged cursor', f.svc.list({ userId: 1, cursor: 'Zm9yZ2Vk', limit: 0 }), 'cursor'],
        ['mark no ids', f.svc.markRead({ userId: 1, ids: [] }), 'ids'],
        ['mark 101 ids', f.svc.markRead({ userId: 1, ids: Array.from({ length: 101 }, (_, i) => i + 1) }), 'ids'],
        ['mark id 0', f.svc.markRead({ userId: 1, ids: [0] }), 'ids'],
        ['mark as user 0', f.svc.markRead({ userId: 0, ids: [1] }), 'user_id'],
        ['mark all as user -1', f.svc.markAllRead({ userId: -1 }), 'user_id'],
        ['unread of user 0', f.svc.unreadCount({ userId: 0 }), 'user_id'],
        ['system to nobody', f.svc.sendSystem({ userIds: [], title: 't', body: 'b' }), 'user_ids'],
        ['system to 1001', f.svc.sendSystem({ userIds: Array.from({ length: 1001 }, (_, i) => i + 1), title: 't', body: 'b' }), 'user_ids'],
        ['system to user 0', f.svc.sendSystem({ userIds: [0], title: 't', body: 'b' }), 'user_ids'],
        ['an empty title', f.svc.sendSystem({ userIds: [1], title: ' ', body: 'b' }), 'title'],
        ['a title of two lines', f.svc.sendSystem({ userIds: [1], title: 'a\nb', body: 'b' }), 'title'],
        ['a title of 101 characters', f.svc.sendSystem({ userIds: [1], title: 't'.repeat(101), body: 'b' }), 'title'],
        ['an empty body', f.svc.sendSystem({ userIds: [1], title: 't', body: '' }), 'body'],
        ['a body of 2001 characters', f.svc.sendSystem({ userIds: [1], title: 't', body: '好'.repeat(2001) }), 'body'],
      ];
      for (const [name, call, field] of cases) {
        const refused = await rejectionOf(call, Code.InvalidArgument);
        expect(refused.details, name).toMatchObject({ field });
      }
      expect(await f.db.db.selectFrom('notifications').select('id').execute()).toEqual([]);
      // The bounds themselves are taken.
      expect((await f.svc.sendSystem({ userIds: Array.from({ length: 1000 }, (_, i) => i + 1), title: 't'.repeat(100), body: '好'.repeat(2000) })).sent).toBe(1000);
      expect((await f.svc.markRead({ userId: 1, ids: Array.from({ length: 100 }, (_, i) => i + 1) })).unreadCount).toBe(1);
    });
  });
}
