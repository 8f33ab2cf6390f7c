// Votes on SQLite and MariaDB: one per user per answer, changed up to down to none, each change
// moving the answer's ups, downs and score by the difference (a repeat by nothing); nobody votes
// on their own answer; the caller's vote comes back as my_vote.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { rejectionOf, testDatabases } from '#kit/testing';
import { qaFixturesOn } from './testing/fixture.js';

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`qa votes on ${kind.name}`, () => {
    const open = qaFixturesOn(kind);

    it('changes one user’s vote up, down and away, the counts following each change; a repeat changes nothing', async () => {
      const f = await open();
      const q = await f.ask(1);
      const a = await f.answer(2, q.id);
      const vote = async (userId: number, value: number) => {
        const after = await f.svc.vote({ userId, answerId: a.id, value });
        return [after.upCount, after.downCount, after.score, after.myVote];
      };
      expect(await vote(7, 1)).toEqual([1, 0, 1, 1]);
      expect(await vote(7, 1)).toEqual([1, 0, 1, 1]);
      expect(await vote(8, 1)).toEqual([2, 0, 2, 1]);
      expect(await vote(7, -1)).toEqual([1, 1, 0, -1]);
      expect(await vote(7, 0)).toEqual([1, 0, 1, 0]);
      expect(await vote(7, 0)).toEqual([1, 0, 1, 0]);
      expect(await vote(9, -1)).toEqual([1, 1, 0, -1]);
      // One row per voter, as stored.
      const rows = await f.db.db.selectFrom('answer_votes').select(['user_id', 'value']).where('answer_id', '=', a.id).orderBy('user_id').execute();
      expect(rows.map((r) => [Number(r.user_id), Number(r.value)])).toEqual([[8, 1], [9, -1]]);
      expect((await f.svc.getQuestion({ id: q.id, viewerId: 9 })).answers[0]).toMatchObject({ score: 0, upCount: 1, downCount: 1, myVote: -1 });
    });

    it('refuses a vote on one’s own answer and on an answer that does not exist, changing nothing', async () => {
      const f = await open();
      const q = await f.ask(1);
      const a = await f.answer(2, q.id);
      const own = await rejectionOf(f.svc.vote({ userId: 2, answerId: a.id, value: 1 }), Code.PermissionDenied);
      expect(own.details).toEqual({ field: 'user_id' });
      const missing = await rejectionOf(f.svc.vote({ userId: 3, answerId: 424242, value: 1 }), Code.NotFound);
      expect(missing.details).toMatchObject({ field: 'answer_id' });
      expect((await f.svc.getQuestion({ id: q.id, viewerId: 2 })).answers[0]).toMatchObject({ score: 0, upCount: 0, myVote: 0 });
      expect(await f.db.db.selectFrom('answer_votes').selectAll().execute()).toEqual([]);
    });
  });
}
