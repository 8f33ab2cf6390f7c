// Scores stay exact under concurrent votes, on SQLite and on a real MariaDB (required in CI),
// where the calls run on separate connections at once: each vote row and the counters it moves
// change in one transaction, by the difference from the old value, so the stored counters are
// always the stored vote rows counted (checked here past the service), whatever the interleaving.
import { describe, expect, it } from 'vitest';
import { SurgeError } from '#kit/errors';
import { testDatabases } from '#kit/testing';
import { hotScore } from './model/hot.js';
import { qaFixturesOn, type QaFixture } from './testing/fixture.js';

/** How each call ended: 'ok', or its refusal's code. */
const outcomes = (settled: PromiseSettledResult<unknown>[]) =>
  settled.map((s) => (s.status === 'fulfilled' ? 'ok' : s.reason instanceof SurgeError ? s.reason.code : String(s.reason)));

/** An answer's counters as stored, and as its vote rows count them. */
async function countersOf(f: QaFixture, answerId: number) {
  const a = await f.db.db.selectFrom('answers').select(['score', 'up_count', 'down_count']).where('id', '=', answerId).executeTakeFirstOrThrow();
  const votes = await f.db.db.selectFrom('answer_votes').select('value').where('answer_id', '=', answerId).execute();
  const ups = votes.filter((v) => Number(v.value) === 1).length;
  const downs = votes.filter((v) => Number(v.value) === -1).length;
  return { stored: { score: Number(a.score), ups: Number(a.up_count), downs: Number(a.down_count) }, counted: { score: ups - downs, ups, downs } };
}

/** A question's stored counters and hot score, and what its answers and their scores say they must be. */
async function questionOf(f: QaFixture, questionId: number) {
  const q = await f.db.db.selectFrom('questions').selectAll().where('id', '=', questionId).executeTakeFirstOrThrow();
  const answers = await f.db.db.selectFrom('answers').select(['score', 'created_at']).where('question_id', '=', questionId).execute();
  const sum = answers.reduce((total, a) => total + Number(a.score), 0);
  const last = Math.max(0, ...answers.map((a) => Number(a.created_at)));
  return {
    stored: { answers: Number(q.answer_count), scoreSum: Number(q.answer_score_sum), hot: Number(q.hot_score) },
    counted: { answers: answers.length, scoreSum: sum, hot: hotScore({ createdAt: Number(q.created_at), lastAnswerAt: last, answerCount: answers.length, answerScoreSum: sum }) },
  };
}

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`scores under concurrent votes on ${kind.name}`, () => {
    const open = qaFixturesOn(kind);

    it('60 users vote one answer at once, 40 up and 20 down: score 20, and the question’s hot score counts it', async () => {
      const f = await open();
      const q = await f.ask(1);
      const a = await f.answer(2, q.id);
      const values = Array.from({ length: 60 }, (_, i) => (i % 3 === 2 ? -1 : 1));
      const ends = outcomes(await Promise.allSettled(values.map((value, i) => f.svc.vote({ userId: 100 + i, answerId: a.id, value }))));
      expect(ends).toEqual(Array(60).fill('ok'));
      expect(await countersOf(f, a.id)).toEqual({ stored: { score: 20, ups: 40, downs: 20 }, counted: { score: 20, ups: 40, downs: 20 } });
      const question = await questionOf(f, q.id);
      expect(question.stored).toEqual(question.counted);
      expect(question.stored.scoreSum).toBe(20);
    });

    it('40 up-votes, then all 40 turned down at once while 20 more vote up: each change counted from its old value', async () => {
      const f = await open();
      const q = await f.ask(1);
      const a = await f.answer(2, q.id);
      for (let i = 0; i < 40; i++) await f.svc.vote({ userId: 100 + i, answerId: a.id, value: 1 });
      const turned = Array.from({ length: 40 }, (_, i) => f.svc.vote({ userId: 100 + i, answerId: a.id, value: -1 }));
      const added = Array.from({ length: 20 }, (_, i) => f.svc.vote({ userId: 200 + i, answerId: a.id, value: 1 }));
      expect(outcomes(await Promise.allSettled([...turned, ...added]))).toEqual(Array(60).fill('ok'));
      expect(await countersOf(f, a.id)).toEqual({ stored: { score: -20, ups: 20, downs: 40 }, counted: { score: -20, ups: 20, downs: 40 } });
      const question = await questionOf(f, q.id);
      expect(question.stored).toEqual(question.counted);
    });

    it('one user voting one answer 12 times at once (up, down, none): one row at most, and the counters are that row', async () => {
      const f = await open();
      const q = await f.ask(1);
      const a = await f.answer(2, q.id);
      await f.svc.vote({ userId: 50, answerId: a.id, value: 1 }); // someone else's, untouched throughout
      const values = Array.from({ length: 12 }, (_, i) => [1, -1, 0][i % 3]!);
      const ends = outcomes(await Promise.allSettled(values.map((value) => f.svc.vote({ userId: 7, answerId: a.id, value }))));
      // Each call lands (a race runs again with the value now stored).
      expect(ends).toEqual(Array(12).fill('ok'));
      const counters = await countersOf(f, a.id);
      expect(counters.stored).toEqual(counters.counted);
      expect(counters.counted.ups + counters.counted.downs).toBeLessThanOrEqual(2);
      const question = await questionOf(f, q.id);
      expect(question.stored).toEqual(question.counted);
    });

    it('votes on three answers of one question, mixed with new answers, all at once: the question counts every one', async () => {
      const f = await open();
      const q = await f.ask(1);
      const answers = [await f.answer(2, q.id), await f.answer(3, q.id), await f.answer(4, q.id)];
      const votes = answers.flatMap((a, n) => Array.from({ length: 15 }, (_, i) => f.svc.vote({ userId: 100 + i, answerId: a.id, value: (i + n) % 4 === 0 ? -1 : 1 })));
      const posts = Array.from({ length: 10 }, (_, i) => f.answer(300 + i, q.id));
      expect(outcomes(await Promise.allSettled([...votes, ...posts]))).toEqual(Array(55).fill('ok'));
      for (const a of answers) {
        const counters = await countersOf(f, a.id);
        expect(counters.stored).toEqual(counters.counted);
      }
      const question = await questionOf(f, q.id);
      expect(question.stored).toEqual(question.counted);
      expect(question.stored.answers).toBe(13);
    });
  });
}
