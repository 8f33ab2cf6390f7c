// Answers and their acceptance on SQLite and MariaDB: an answer counted on its question and
// announced as qa.answered; only the asker accepts (anyone else, the asker of another question
// included, is PermissionDenied naming user_id and nothing changes); accepting another answer
// moves the acceptance, each move announced once as qa.accepted.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { rejectionOf, testDatabases } from '#kit/testing';
import { qaFixturesOn } from './testing/fixture.js';

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`qa answers on ${kind.name}`, () => {
    const open = qaFixturesOn(kind);

    it('stores an answer with masked words, counts it on the question and announces it as qa.answered', async () => {
      const f = await open({ blockedWords: ['shit'] });
      const q = await f.ask(1);
      f.clock.advance(60_000);
      const a = await f.answer(2, q.id, '  try this shit\n\n```js\nx()\n```  ');
      expect(a).toMatchObject({ questionId: q.id, answererId: 2, content: 'try this ****\n\n```js\nx()\n```', score: 0, upCount: 0, downCount: 0, accepted: false, myVote: 0, createdAt: f.clock.now() });
      // The asker may answer their own question too.
      const own = await f.answer(1, q.id);
      const after = (await f.svc.getQuestion({ id: q.id, viewerId: 0 })).question;
      expect(after).toMatchObject({ answerCount: 2, lastAnswerAt: own.createdAt, acceptedAnswerId: 0 });
      expect(await f.settle()).toEqual([
        { topic: 'qa.answered', data: { questionId: q.id, askerId: 1, answerId: a.id, answererId: 2 } },
        { topic: 'qa.answered', data: { questionId: q.id, askerId: 1, answerId: own.id, answererId: 1 } },
      ]);

      const missing = await rejectionOf(f.answer(2, 424242), Code.NotFound);
      expect(missing.details).toMatchObject({ field: 'question_id' });
      expect(await f.db.db.selectFrom('answers').select('id').where('question_id', '=', 424242).execute()).toEqual([]);
      expect(await f.settle()).toHaveLength(2);
    });

    it('lets only the asker accept: another user, and the asker of another question, are refused and nothing changes', async () => {
      const f = await open();
      const alices = await f.ask(1, { title: 'alice asks' });
      const bobs = await f.ask(2, { title: 'bob asks' });
      const onAlices = await f.answer(3, alices.id);
      const onBobs = await f.answer(3, bobs.id);
      const events = (await f.settle()).length;

      // Bob on Alice's question; Alice (an asker) on Bob's; the answerer on the answer's own question.
      for (const [userId, answerId] of [[2, onAlices.id], [1, onBobs.id], [3, onAlices.id]] as const) {
        const refused = await rejectionOf(f.svc.acceptAnswer({ userId, answerId }), Code.PermissionDenied);
        expect(refused.details).toEqual({ field: 'user_id' });
      }
      for (const q of [alices, bobs]) expect((await f.svc.getQuestion({ id: q.id, viewerId: 0 })).question!.acceptedAnswerId).toBe(0);
      expect(await f.settle()).toHaveLength(events);

      const missing = await rejectionOf(f.svc.acceptAnswer({ userId: 1, answerId: 424242 }), Code.NotFound);
      expect(missing.details).toMatchObject({ field: 'answer_id' });
    });

    it('moves the acceptance to another answer; accepting the accepted one again changes and announces nothing', async () => {
      const f = await open();
      const q = await f.ask(1);
      const first = await f.answer(2, q.id);
      const second = await f.answer(3, q.id);
      await f.settle();

      const accepted = await f.svc.acceptAnswer({ userId: 1, answerId: first.id });
      expect(accepted).toMatchObject({ id: q.id, acceptedAnswerId: first.id, answerCount: 2 });
      expect(await f.svc.acceptAnswer({ userId: 1, answerId: first.id })).toEqual(accepted);
      const moved = await f.svc.acceptAnswer({ userId: 1, answerId: second.id });
      expect(moved.acceptedAnswerId).toBe(second.id);

      const shown = (await f.svc.getQuestion({ id: q.id, viewerId: 0 })).answers;
      expect(shown.map((a) => [a.id, a.accepted])).toEqual([[second.id, true], [first.id, false]]);
      const accepts = (await f.settle()).filter((e) => e.topic === 'qa.accepted');
      expect(accepts).toEqual([
        { topic: 'qa.accepted', data: { questionId: q.id, answerId: first.id, askerId: 1, answererId: 2 } },
        { topic: 'qa.accepted', data: { questionId: q.id, answerId: second.id, askerId: 1, answererId: 3 } },
      ]);
    });
  });
}
