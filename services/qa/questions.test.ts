// Questions on SQLite and MariaDB: asking with masked words, a question with its answers in the
// shown order, the three lists paged across ties by id (each question exactly once), and search
// in Chinese and Latin text.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { rejectionOf, testDatabases } from '#kit/testing';
import type { Question, QuestionPage } from '#gen/surge/qa/v1/qa';
import { MAX_CONTENT } from './index.js';
import { hotScore } from './model/hot.js';
import { qaFixturesOn } from './testing/fixture.js';

/** Every page of a list, following next_cursor to the end; fails on a page past `limit` or a cursor that never ends. */
async function allPages(get: (cursor: string) => Promise<QuestionPage>, limit: number): Promise<{ ids: number[]; pages: number }> {
  const ids: number[] = [];
  let cursor = '';
  for (let pages = 1; pages <= 100; pages++) {
    const page = await get(cursor);
    expect(page.questions.length).toBeLessThanOrEqual(limit);
    ids.push(...page.questions.map((q) => q.id));
    if (page.isEnd) {
      expect(page.nextCursor).toBe('');
      return { ids, pages };
    }
    expect(page.questions).toHaveLength(limit);
    cursor = page.nextCursor;
  }
  throw new Error('the list never ended');
}

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`qa questions on ${kind.name}`, () => {
    const open = qaFixturesOn(kind);

    it('asks with configured words masked in title, tags and body, tags trimmed and once each; unanswered and unaccepted', async () => {
      const f = await open({ blockedWords: ['傻逼', 'shit'] });
      const q = await f.ask(7, { title: '  why does this shit fail?  ', content: '第一行\n你这个傻逼', tags: [' go ', 'go', 'shit', '后端'] });
      expect(q).toMatchObject({ askerId: 7, title: 'why does this **** fail?', content: '第一行\n你这个**', tags: ['go', '****', '后端'], answerCount: 0, acceptedAnswerId: 0, lastAnswerAt: 0 });
      expect(q.createdAt).toBe(f.clock.now());
      expect(q.hotScore).toBe(hotScore({ createdAt: q.createdAt, lastAnswerAt: 0, answerCount: 0, answerScoreSum: 0 }));
      expect(await f.svc.getQuestion({ id: q.id, viewerId: 0 })).toEqual({ question: q, answers: [] });
      const missing = await rejectionOf(f.svc.getQuestion({ id: 424242, viewerId: 0 }), Code.NotFound);
      expect(missing.details).toMatchObject({ field: 'id' });
    });

    it('stores bodies at the bound in four-byte characters: 20,000 emoji in a question and in an answer', async () => {
      const f = await open();
      const q = await f.ask(1, { content: '😀'.repeat(MAX_CONTENT) });
      const a = await f.answer(2, q.id, '🚀'.repeat(MAX_CONTENT));
      const shown = await f.svc.getQuestion({ id: q.id, viewerId: 0 });
      expect([...shown.question!.content]).toHaveLength(MAX_CONTENT);
      expect(shown.answers).toEqual([a]);
      expect([...a.content]).toHaveLength(MAX_CONTENT);
    });

    it('shows the accepted answer first, then by score, then the oldest first, with the viewer’s votes', async () => {
      const f = await open();
      const q = await f.ask(1);
      const a = [];
      for (let i = 0; i < 4; i++) {
        a.push(await f.answer(10 + i, q.id, `answer ${i}`));
        f.clock.advance(1000);
      }
      // a[2] scores 2, a[1] and a[3] 1 (a[1] is older), a[0] 0; a[3] is accepted.
      await f.svc.vote({ userId: 50, answerId: a[2]!.id, value: 1 });
      await f.svc.vote({ userId: 51, answerId: a[2]!.id, value: 1 });
      await f.svc.vote({ userId: 50, answerId: a[1]!.id, value: 1 });
      await f.svc.vote({ userId: 51, answerId: a[3]!.id, value: 1 });
      await f.svc.vote({ userId: 50, answerId: a[0]!.id, value: -1 });
      await f.svc.vote({ userId: 51, answerId: a[0]!.id, value: 1 });
      await f.svc.acceptAnswer({ userId: 1, answerId: a[3]!.id });

      const seen = await f.svc.getQuestion({ id: q.id, viewerId: 50 });
      expect(seen.question).toMatchObject({ answerCount: 4, acceptedAnswerId: a[3]!.id });
      expect(seen.answers.map((x) => [x.content, x.score, x.accepted, x.myVote])).toEqual([
        ['answer 3', 1, true, 0],
        ['answer 2', 2, false, 1],
        ['answer 1', 1, false, 1],
        ['answer 0', 0, false, -1],
      ]);
      // Signed out: no votes of anyone's shown as mine.
      expect((await f.svc.getQuestion({ id: q.id, viewerId: 0 })).answers.map((x) => x.myVote)).toEqual([0, 0, 0, 0]);
    });

    it('pages the newest and unanswered lists, ties broken by id, every question exactly once', async () => {
      const f = await open();
      // Three batches asked while the clock stands still: each batch shares one created_at.
      const asked: Question[] = [];
      for (let batch = 0; batch < 3; batch++) {
        for (let i = 0; i < 5; i++) asked.push(await f.ask(1 + i, { title: `question ${batch}-${i}` }));
        f.clock.advance(1000);
      }
      const newest = [...asked].sort((x, y) => y.createdAt - x.createdAt || y.id - x.id).map((q) => q.id);
      const listed = await allPages((cursor) => f.svc.listQuestions({ sort: 'newest', cursor, limit: 4 }), 4);
      expect(listed).toEqual({ ids: newest, pages: 4 });
      expect((await allPages((cursor) => f.svc.listQuestions({ sort: '', cursor, limit: 0 }), 20)).ids).toEqual(newest);

      // Answer three of them: they leave the unanswered list, the others keep their order.
      const answered = new Set([asked[0]!.id, asked[7]!.id, asked[14]!.id]);
      for (const id of answered) await f.answer(99, id);
      const unanswered = await allPages((cursor) => f.svc.listQuestions({ sort: 'unanswered', cursor, limit: 3 }), 3);
      expect(unanswered.ids).toEqual(newest.filter((id) => !answered.has(id)));

      // A cursor of one order is refused by another.
      const first = await f.svc.listQuestions({ sort: 'hot', cursor: '', limit: 3 });
      const refused = await rejectionOf(f.svc.listQuestions({ sort: 'unanswered', cursor: first.nextCursor, limit: 3 }), Code.InvalidArgument);
      expect(refused.details).toEqual({ field: 'cursor' });
    });

    it('orders the hot list by the stored hot score: answers and votes lift a question, recomputed on each', async () => {
      const f = await open();
      const old = await f.ask(1, { title: 'old but busy' });
      f.clock.advance(3_600_000);
      const quiet = await f.ask(2, { title: 'new and quiet' });
      f.clock.advance(3_600_000);
      const fresh = await f.ask(3, { title: 'newest and quiet' });
      const hotIds = async () => (await allPages((cursor) => f.svc.listQuestions({ sort: 'hot', cursor, limit: 2 }), 2)).ids;
      expect(await hotIds()).toEqual([fresh.id, quiet.id, old.id]);

      // One answer (and its time) on the oldest outweighs two hours of being newer.
      const answer = await f.answer(9, old.id);
      let stored = (await f.svc.getQuestion({ id: old.id, viewerId: 0 })).question!;
      expect(stored.hotScore).toBe(hotScore({ createdAt: old.createdAt, lastAnswerAt: f.clock.now(), answerCount: 1, answerScoreSum: 0 }));
      expect(await hotIds()).toEqual([old.id, fresh.id, quiet.id]);

      // Votes move it by their net sum, and a vote taken back moves it back.
      await f.svc.vote({ userId: 20, answerId: answer.id, value: 1 });
      await f.svc.vote({ userId: 21, answerId: answer.id, value: -1 });
      await f.svc.vote({ userId: 22, answerId: answer.id, value: -1 });
      stored = (await f.svc.getQuestion({ id: old.id, viewerId: 0 })).question!;
      expect(stored.hotScore).toBe(hotScore({ createdAt: old.createdAt, lastAnswerAt: answer.createdAt, answerCount: 1, answerScoreSum: -1 }));
      await f.svc.vote({ userId: 22, answerId: answer.id, value: 0 });
      expect((await f.svc.getQuestion({ id: old.id, viewerId: 0 })).question!.hotScore).toBe(
        hotScore({ createdAt: old.createdAt, lastAnswerAt: answer.createdAt, answerCount: 1, answerScoreSum: 0 }),
      );
      // The list's keys are the stored scores: the pages agree with sorting by them.
      const all = (await f.svc.listQuestions({ sort: 'hot', cursor: '', limit: 50 })).questions;
      expect(all.map((q) => q.hotScore)).toEqual([...all.map((q) => q.hotScore)].sort((x, y) => y - x));
    });

    it('searches Chinese by two-character words and Latin by words, title over tags over body', async () => {
      const f = await open();
      const inTitle = await f.ask(1, { title: '华为手机怎么省电', content: '续航很差' });
      const inTag = await f.ask(1, { title: '开箱问题', tags: ['手机'], content: '外观' });
      const inBody = await f.ask(2, { title: '一周记录', content: '换了新手机，还有 iPhone 15' });
      await f.ask(2, { title: '机械键盘选哪个', content: '手感' });
      const ids = async (q: string) => (await f.svc.search({ q, cursor: '', limit: 0 })).questions.map((x) => x.id);
      expect(await ids('手机')).toEqual([inTitle.id, inTag.id, inBody.id]);
      expect(await ids('IPHONE')).toEqual([inBody.id]);
      expect(await ids('iphone 15 手机')).toEqual([inBody.id]);
      expect(await ids('键盘手机')).toEqual([]);
      const paged = await allPages((cursor) => f.svc.search({ q: '手机', cursor, limit: 1 }), 1);
      expect(paged.ids).toEqual([inTitle.id, inTag.id, inBody.id]);
    });
  });
}
