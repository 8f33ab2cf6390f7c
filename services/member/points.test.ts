// Points from activity: each kind's points, each kind's daily cap exact under concurrent events
// and reset at 00:00 UTC, a redelivered event (or a second event about the same thing) counted
// once, nothing for liking one's own, nothing taken back by an unlike. On SQLite and MariaDB.
import { describe, expect, it } from 'vitest';
import { testDatabases } from '#kit/testing';
import { ARTICLE_PUBLISHED } from '../article/events.js';
import { TARGET_LIKED } from '../interaction/events.js';
import { ACCEPTED } from '../qa/events.js';
import { awardPoints } from './logic/award-points.js';
import { memberFixturesOn, type MemberFixture } from './testing/fixture.js';

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`never: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const pointsOf = async (f: MemberFixture, userId: number) => (await f.svc.getMembership({ userIds: [userId] })).memberships[0]!.points;

/** What the ledger holds for the user: kind → [events, points], over every day. */
async function ledger(f: MemberFixture, userId: number) {
  const rows = await f.db.db.selectFrom('member_point_days').selectAll().where('user_id', '=', userId).orderBy('day').orderBy('kind').execute();
  return rows.map((row) => `${row.kind}@${Number(row.day)}:${Number(row.events)}/${Number(row.points)}`);
}

const like = (userId: number, ownerId: number, targetId: number, delta = 1) => ({ userId, biz: 'article', targetId, ownerId, delta });

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`member points, on ${kind.name}`, () => {
    const open = memberFixturesOn(kind);

    it('gives each kind its points: an article 5 to its author, an accepted answer 15 to the answerer, a like 1 to the owner', async () => {
      const f = await open();
      await f.queue.publish(ARTICLE_PUBLISHED, { articleId: 11, authorId: 1, createdAt: f.clock.now() });
      await f.queue.publish(ACCEPTED, { questionId: 21, answerId: 22, askerId: 3, answererId: 2 });
      await f.queue.publish(TARGET_LIKED, like(4, 3, 31));
      await until('all three applied', async () => (await pointsOf(f, 1)) === 5 && (await pointsOf(f, 2)) === 15 && (await pointsOf(f, 3)) === 1);
      expect(await pointsOf(f, 4)).toBe(0); // the liker earns nothing
      expect(await ledger(f, 2)).toEqual([`accepted@${Math.floor(f.clock.now() / 86_400_000)}:1/15`]);
    });

    it('gives nothing for liking one own thing, and an unlike takes nothing back', async () => {
      const f = await open();
      await f.queue.publish(TARGET_LIKED, like(5, 5, 41)); // self
      await f.queue.publish(TARGET_LIKED, like(6, 5, 41)); // counts
      await until('the like applied', async () => (await pointsOf(f, 5)) === 1);
      await f.queue.publish(TARGET_LIKED, like(6, 5, 41, -1)); // unlike: nothing back
      await f.queue.publish(TARGET_LIKED, like(6, 5, 41)); // liked again: the same (liker, target) earns nothing twice
      await f.queue.publish(TARGET_LIKED, like(7, 5, 41)); // a marker after them: once it counts, the others were seen
      await until('the marker applied', async () => (await pointsOf(f, 5)) === 2);
      expect(await ledger(f, 5)).toHaveLength(1);
      expect((await ledger(f, 5))[0]).toMatch(/^like@\d+:2\/2$/);
    });

    it('counts a redelivered event once, and a second event about the same article once', async () => {
      const f = await open();
      const event = { key: 'member:article.published:m1', userId: 8, kind: 'article' as const, ref: '801' };
      const given = await Promise.all(Array.from({ length: 10 }, () => awardPoints(f.deps, event)));
      expect(given.filter(Boolean)).toHaveLength(1);
      // Another delivery key (the article published twice by a retried relay) for the same article.
      expect(await awardPoints(f.deps, { ...event, key: 'member:article.published:m2' })).toBe(false);
      expect(await pointsOf(f, 8)).toBe(5);
    });

    it.each([
      ['article', 5, 4],
      ['accepted', 15, 3],
      ['like', 1, 20],
    ] as const)('caps %s exactly under 60 concurrent events: %i points × %i a UTC day, and again the next day', async (pointKind, points, perDay) => {
      const f = await open();
      const userId = 100;
      const burst = (day: string) =>
        Promise.all(Array.from({ length: 60 }, (_, i) => awardPoints(f.deps, { key: `k:${day}:${i}`, userId, kind: pointKind, ref: `${day}:${i}` })));
      const first = await burst('d1');
      expect(first.filter(Boolean)).toHaveLength(perDay);
      expect(await pointsOf(f, userId)).toBe(points * perDay);
      // 23:59 → 00:01 UTC: a new day, a new cap.
      f.clock.advance(2 * 60_000);
      const second = await burst('d2');
      expect(second.filter(Boolean)).toHaveLength(perDay);
      expect(await pointsOf(f, userId)).toBe(2 * points * perDay);
      const days = await ledger(f, userId);
      expect(days).toHaveLength(2);
      for (const day of days) expect(day).toMatch(new RegExp(`^${pointKind}@\\d+:${perDay}/${points * perDay}$`));
    });

    it('caps each kind on its own: a full day of likes leaves articles and answers their own caps', async () => {
      const f = await open();
      const userId = 200;
      const all = await Promise.all([
        ...Array.from({ length: 30 }, (_, i) => awardPoints(f.deps, { key: `l${i}`, userId, kind: 'like', ref: `l${i}` })),
        ...Array.from({ length: 10 }, (_, i) => awardPoints(f.deps, { key: `a${i}`, userId, kind: 'article', ref: `a${i}` })),
        ...Array.from({ length: 10 }, (_, i) => awardPoints(f.deps, { key: `q${i}`, userId, kind: 'accepted', ref: `q${i}` })),
      ]);
      expect(all.filter(Boolean)).toHaveLength(20 + 4 + 3);
      expect(await pointsOf(f, userId)).toBe(20 + 4 * 5 + 3 * 15);
    });

    it('takes the points and caps from the configuration', async () => {
      const f = await open({ config: { articlePoints: 7, articlesPerDay: 2 } });
      const given = await Promise.all(Array.from({ length: 5 }, (_, i) => awardPoints(f.deps, { key: `c${i}`, userId: 300, kind: 'article', ref: `c${i}` })));
      expect(given.filter(Boolean)).toHaveLength(2);
      expect(await pointsOf(f, 300)).toBe(14);
    });
  });
}
