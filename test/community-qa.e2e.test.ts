// The community's Q&A end to end, as a client uses it, in embedded mode and on the real servers
// (MariaDB, Redis, NATS): a question asked and shown with its answers and their authors; only the
// asker accepts (another user's attempt is 403 and changes nothing) and may move the acceptance;
// votes changed up, down and away with the caller's vote shown back; the newest, unanswered and hot
// lists paged; and a table of bad input for every route, each a 4xx naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireServer, servers } from '#kit/testing';
import { communityClient } from './community-client.js';
import { startTestSystem, type Mode, type TestSystem } from './harness.js';

const onServers = (await requireServer(servers.mariadb)) && (await requireServer(servers.redis)) && (await requireServer(servers.nats));
const modes: Mode[] = onServers ? ['embedded', 'servers'] : ['embedded'];
const C = '/api/v1/community';

interface Person {
  id: number;
  name: string;
  avatar: string;
}
interface QuestionJson {
  id: number;
  title: string;
  content?: string;
  summary?: string;
  tags: string[];
  author: Person;
  answer_count: number;
  accepted_answer_id: number | null;
  created_at: number;
  last_answer_at: number | null;
}
interface AnswerJson {
  id: number;
  question_id: number;
  content: string;
  author: Person;
  score: number;
  up_count: number;
  down_count: number;
  accepted: boolean;
  my_vote: number;
  created_at: number;
}
interface User {
  id: number;
  token: string;
  username: string;
}

/** A client of one test system: JSON in and out, signed in with a token when given. */
function clientOf(sys: () => TestSystem) {
  const { call, signUp, uniq } = communityClient(sys, 'qa');
  const ask = async (token: string, fields: Record<string, unknown> = {}) => {
    const res = await call('POST', `${C}/questions`, { token, body: { title: uniq('question '), content: 'How do I **page** a list?', ...fields } });
    expect(res.status, res.text).toBe(201);
    return res.body.question as QuestionJson;
  };
  const answer = async (token: string, questionId: number, content = 'Keyset paging: start after the last row.') => {
    const res = await call('POST', `${C}/questions/${questionId}/answers`, { token, body: { content } });
    expect(res.status, res.text).toBe(201);
    return res.body.answer as AnswerJson;
  };
  const detail = async (id: number, token?: string) => {
    const res = await call('GET', `${C}/questions/${id}`, { token });
    expect(res.status, res.text).toBe(200);
    return res.body as { question: QuestionJson; answers: AnswerJson[] };
  };
  /** Every question of a list, page by page; fails past `maxPages` (a cursor that never ends). */
  const pageAll = async (sort: string, limit: number, maxPages = 500) => {
    const seen: QuestionJson[] = [];
    let cursor = '';
    for (let page = 0; page < maxPages; page++) {
      const res = await call('GET', `${C}/questions?sort=${sort}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status, res.text).toBe(200);
      expect(res.body.questions.length).toBeLessThanOrEqual(limit);
      seen.push(...res.body.questions);
      if (res.body.is_end) {
        expect(res.body.next_cursor).toBe('');
        return seen;
      }
      cursor = res.body.next_cursor;
    }
    throw new Error(`${sort}: still not at the end after ${maxPages} pages`);
  };
  return { call, signUp, ask, answer, detail, pageAll, uniq };
}

describe.each(modes)('community Q&A (%s)', (mode) => {
  let sys: TestSystem;
  const c = clientOf(() => sys);
  let alice: User;
  let bob: User;
  let carol: User;

  beforeAll(async () => {
    sys = await startTestSystem(mode, { 'limits.loginPerIp.quota': 1000 });
    [alice, bob, carol] = [await c.signUp(), await c.signUp(), await c.signUp()];
  }, 120_000);
  afterAll(async () => sys?.stop());

  it('asks, answers, and shows a question with its answers and their authors', async () => {
    const q = await c.ask(alice.token, { title: '分页怎么做？', content: '# 问题\n\n用 **keyset** 吗？', tags: ['数据库', 'sql'] });
    expect(q).toMatchObject({ title: '分页怎么做？', content: '# 问题\n\n用 **keyset** 吗？', tags: ['数据库', 'sql'], author: { id: alice.id, name: alice.username }, answer_count: 0, accepted_answer_id: null, last_answer_at: null });
    const a = await c.answer(bob.token, q.id, '是的：`WHERE (created_at, id) < (?, ?)`');
    expect(a).toMatchObject({ question_id: q.id, author: { id: bob.id, name: bob.username }, score: 0, up_count: 0, down_count: 0, accepted: false, my_vote: 0 });

    const shown = await c.detail(q.id);
    expect(shown.question).toMatchObject({ ...q, answer_count: 1, last_answer_at: a.created_at });
    expect(shown.answers).toEqual([a]);
    const missing = await c.call('GET', `${C}/questions/987654321`);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe(40401);
  });

  it("lets only the asker accept: another user's attempt is 403 and changes nothing; the asker moves the acceptance", async () => {
    const q = await c.ask(alice.token);
    const byBob = await c.answer(bob.token, q.id);
    const byCarol = await c.answer(carol.token, q.id);
    const bobsQuestion = await c.ask(bob.token);
    const onBobs = await c.answer(carol.token, bobsQuestion.id);
    const before = await c.detail(q.id);

    // Bob (the answerer), Carol, and Alice on Bob's question: each 403, nothing changed.
    for (const [who, answerId] of [[bob, byBob.id], [carol, byBob.id], [alice, onBobs.id]] as const) {
      const refused = await c.call('POST', `${C}/answers/${answerId}/accept`, { token: who.token });
      expect(refused.status, refused.text).toBe(403);
      expect(refused.body).toMatchObject({ code: 40301, message: expect.stringContaining('user_id') });
    }
    expect(await c.detail(q.id)).toEqual(before);
    expect((await c.detail(bobsQuestion.id)).question.accepted_answer_id).toBeNull();

    const accepted = await c.call('POST', `${C}/answers/${byBob.id}/accept`, { token: alice.token });
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.body.question).toMatchObject({ id: q.id, accepted_answer_id: byBob.id, author: { id: alice.id } });
    // Accepted first, whatever the scores; then moved to Carol's.
    expect((await c.detail(q.id)).answers.map((a) => [a.id, a.accepted])).toEqual([[byBob.id, true], [byCarol.id, false]]);
    const moved = await c.call('POST', `${C}/answers/${byCarol.id}/accept`, { token: alice.token });
    expect(moved.body.question.accepted_answer_id).toBe(byCarol.id);
    expect((await c.detail(q.id)).answers.map((a) => [a.id, a.accepted])).toEqual([[byCarol.id, true], [byBob.id, false]]);
    // Bob still cannot take it back.
    expect((await c.call('POST', `${C}/answers/${byBob.id}/accept`, { token: bob.token })).status).toBe(403);
    expect((await c.detail(q.id)).question.accepted_answer_id).toBe(byCarol.id);
  });

  it("changes votes up, down and away, shows each caller's own vote, and refuses a vote on one's own answer", async () => {
    const q = await c.ask(alice.token);
    const a = await c.answer(bob.token, q.id);
    const vote = async (who: User, value: number) => {
      const res = await c.call('PUT', `${C}/answers/${a.id}/vote`, { token: who.token, body: { value } });
      expect(res.status, res.text).toBe(200);
      const v = res.body.answer as AnswerJson;
      expect(v).toMatchObject({ id: a.id, author: { id: bob.id } });
      return [v.score, v.up_count, v.down_count, v.my_vote];
    };
    expect(await vote(carol, 1)).toEqual([1, 1, 0, 1]);
    expect(await vote(carol, 1)).toEqual([1, 1, 0, 1]);
    expect(await vote(alice, 1)).toEqual([2, 2, 0, 1]);
    expect(await vote(carol, -1)).toEqual([0, 1, 1, -1]);
    expect((await c.detail(q.id, carol.token)).answers[0]).toMatchObject({ score: 0, my_vote: -1 });
    expect((await c.detail(q.id, alice.token)).answers[0]).toMatchObject({ score: 0, my_vote: 1 });
    expect((await c.detail(q.id)).answers[0]).toMatchObject({ score: 0, my_vote: 0 });
    expect(await vote(carol, 0)).toEqual([1, 1, 0, 0]);

    const own = await c.call('PUT', `${C}/answers/${a.id}/vote`, { token: bob.token, body: { value: 1 } });
    expect(own.status).toBe(403);
    expect(own.body).toMatchObject({ code: 40301, message: expect.stringContaining('user_id') });
    expect((await c.detail(q.id, bob.token)).answers[0]).toMatchObject({ score: 1, up_count: 1, my_vote: 0 });
  });

  it('pages the newest, unanswered and hot lists, each question once; an answered, voted question rises in hot', async () => {
    const asker = await c.signUp();
    const mine: QuestionJson[] = [];
    for (let i = 0; i < 5; i++) mine.push(await c.ask(asker.token, { content: `第 ${i} 个问题的正文`.repeat(20) }));
    const ids = new Set(mine.map((q) => q.id));
    const ours = (list: QuestionJson[]) => list.filter((q) => ids.has(q.id)).map((q) => q.id);
    const newestFirst = [...mine].sort((x, y) => y.created_at - x.created_at || y.id - x.id).map((q) => q.id);

    const newest = await c.pageAll('newest', 3);
    expect(new Set(newest.map((q) => q.id)).size).toBe(newest.length);
    expect(ours(newest)).toEqual(newestFirst);
    const item = newest.find((q) => q.id === mine[0]!.id)!;
    expect(item).toMatchObject({ author: { id: asker.id }, answer_count: 0 });
    expect([...item.summary!].length).toBe(140);
    expect(item).not.toHaveProperty('content');

    // The oldest gets an answer and an up-vote: out of unanswered, to the top of ours in hot.
    const oldest = mine.find((q) => q.id === newestFirst.at(-1))!;
    const a = await c.answer(bob.token, oldest.id);
    await c.call('PUT', `${C}/answers/${a.id}/vote`, { token: carol.token, body: { value: 1 } });
    expect(ours(await c.pageAll('unanswered', 2))).toEqual(newestFirst.slice(0, -1));
    const hot = ours(await c.pageAll('hot', 4));
    expect(hot[0]).toBe(oldest.id);
    expect(hot.slice(1)).toEqual(newestFirst.slice(0, -1));
    // The default order is newest.
    expect(ours(await c.pageAll('newest', 50))).toEqual(ours((await c.call('GET', `${C}/questions`)).body.questions));
  });

  it('is in the OpenAPI document, every route', async () => {
    const api = await c.call('GET', '/openapi.json');
    expect(Object.keys(api.body.paths)).toEqual(expect.arrayContaining([`${C}/questions`, `${C}/questions/{id}`, `${C}/questions/{id}/answers`, `${C}/answers/{id}/accept`, `${C}/answers/{id}/vote`]));
  });
});

describe('community Q&A routes refuse bad input with a 4xx naming the field (embedded)', () => {
  let sys: TestSystem;
  const c = clientOf(() => sys);
  const ids = { question: 0, answer: 0, own: 0, hotCursor: '' };
  let asker: User;
  let other: User;

  beforeAll(async () => {
    sys = await startTestSystem('embedded', { 'limits.loginPerIp.quota': 1000 });
    [asker, other] = [await c.signUp(), await c.signUp()];
    const q = await c.ask(asker.token, { title: 'the question bad input aims at', content: 'as written' });
    await c.ask(asker.token);
    ids.question = q.id;
    ids.answer = (await c.answer(other.token, q.id, 'the answer as written')).id;
    ids.own = ids.answer;
    ids.hotCursor = (await c.call('GET', `${C}/questions?sort=hot&limit=1`)).body.next_cursor;
  }, 120_000);
  afterAll(async () => sys?.stop());

  // auth: 'asker' | 'other' (signed in as them), a raw Authorization header, or none.
  type Case = [name: string, method: string, url: string, opts: { body?: unknown; raw?: string; auth?: 'asker' | 'other' | string }, status: number, code: number, mentions: string];
  const ID_FORMS = ['0', '-1', 'abc', '1.5', '01', '1e3', '99999999999999999'];
  const GOOD = { title: 'a title', content: 'a body' };
  const texts = (method: string, url: string, field: 'title' | 'content', body: Record<string, unknown>, oneLine: boolean): Case[] => [
    [`${field} empty`, method, url, { auth: 'asker', body: { ...body, [field]: '' } }, 400, 40001, field],
    [`${field} of spaces`, method, url, { auth: 'asker', body: { ...body, [field]: '   ' } }, 400, 40001, field],
    [`${field} too long`, method, url, { auth: 'asker', body: { ...body, [field]: '文'.repeat(field === 'title' ? 101 : 20_001) } }, 400, 40001, field],
    [`${field} with a control character`, method, url, { auth: 'asker', body: { ...body, [field]: 'a\u0000b' } }, 400, 40001, field],
    [`${field} with a bidi override`, method, url, { auth: 'asker', body: { ...body, [field]: 'a\u202eb' } }, 400, 40001, field],
    [`${field} with a lone surrogate`, method, url, { auth: 'asker', raw: JSON.stringify({ ...body, [field]: 'PLACEHOLDER' }).replace('PLACEHOLDER', 'a\\ud800') }, 400, 40001, field],
    [`${field} not a string`, method, url, { auth: 'asker', body: { ...body, [field]: 5 } }, 400, 40001, field],
    ...(oneLine ? ([[`${field} on two lines`, method, url, { auth: 'asker', body: { ...body, [field]: 'a\nb' } }, 400, 40001, field]] as Case[]) : []),
  ];
  const signedOut = (method: string, url: string, body?: unknown): Case[] => [
    ['without a token', method, url, { body }, 401, 40101, 'Authorization'],
    ['with a bad token', method, url, { auth: 'Bearer x.y.z', body }, 401, 40101, 'token'],
  ];
  const badIds = (method: string, url: (id: string) => string, body?: unknown): Case[] => ID_FORMS.map((id): Case => [`id ${id}`, method, url(id), { auth: 'asker', body }, 400, 40001, 'id']);
  const listed = (more: string) => `${C}/questions?${more}`;

  const cases: Case[] = [
    // POST /questions
    ...texts('POST', `${C}/questions`, 'title', GOOD, true),
    ...texts('POST', `${C}/questions`, 'content', GOOD, false),
    ['six tags', 'POST', `${C}/questions`, { auth: 'asker', body: { ...GOOD, tags: ['a', 'b', 'c', 'd', 'e', 'f'] } }, 400, 40001, 'tags'],
    ['an empty tag', 'POST', `${C}/questions`, { auth: 'asker', body: { ...GOOD, tags: [''] } }, 400, 40001, 'tags'],
    ['a tag of 21 characters', 'POST', `${C}/questions`, { auth: 'asker', body: { ...GOOD, tags: ['t'.repeat(21)] } }, 400, 40001, 'tags'],
    ['tags not a list', 'POST', `${C}/questions`, { auth: 'asker', body: { ...GOOD, tags: 'go' } }, 400, 40001, 'tags'],
    ['a user_id in the body', 'POST', `${C}/questions`, { auth: 'asker', body: { ...GOOD, user_id: 1 } }, 400, 40001, 'user_id'],
    ['without a title', 'POST', `${C}/questions`, { auth: 'asker', body: { content: 'c' } }, 400, 40001, 'title'],
    ['without content', 'POST', `${C}/questions`, { auth: 'asker', body: { title: 't' } }, 400, 40001, 'content'],
    ['a body that is not JSON', 'POST', `${C}/questions`, { auth: 'asker', raw: '{"title":' }, 400, 40001, 'body'],
    ['without a body', 'POST', `${C}/questions`, { auth: 'asker' }, 400, 40001, 'body'],
    ...signedOut('POST', `${C}/questions`, GOOD),
    // GET /questions
    ['an unknown sort', 'GET', listed('sort=likes'), {}, 400, 40001, 'sort'],
    ['limit 0', 'GET', listed('limit=0'), {}, 400, 40001, 'limit'],
    ['limit 51', 'GET', listed('limit=51'), {}, 400, 40001, 'limit'],
    ['limit not a number', 'GET', listed('limit=ten'), {}, 400, 40001, 'limit'],
    ['cursor with bad characters', 'GET', listed('cursor=a%2Fb'), {}, 400, 40001, 'cursor'],
    ['a forged cursor', 'GET', listed('cursor=Zm9yZ2Vk'), {}, 400, 40001, 'cursor'],
    ['cursor too long', 'GET', listed(`cursor=${'a'.repeat(201)}`), {}, 400, 40001, 'cursor'],
    ['a hot cursor given to the newest list', 'GET', listed('sort=newest&cursor={hotCursor}'), {}, 400, 40001, 'cursor'],
    ['a hot cursor given to the unanswered list', 'GET', listed('sort=unanswered&cursor={hotCursor}'), {}, 400, 40001, 'cursor'],
    ['an unknown parameter', 'GET', listed('page=2'), {}, 400, 40001, 'page'],
    // GET /questions/:id
    ...badIds('GET', (id) => `${C}/questions/${id}`),
    ['a question that does not exist', 'GET', `${C}/questions/987654321`, {}, 404, 40401, 'id'],
    ['detail with a bad token', 'GET', `${C}/questions/{question}`, { auth: 'Bearer x.y.z' }, 401, 40101, 'token'],
    // POST /questions/:id/answers
    ...texts('POST', `${C}/questions/{question}/answers`, 'content', {}, false),
    ...badIds('POST', (id) => `${C}/questions/${id}/answers`, { content: 'c' }),
    ['an answer without content', 'POST', `${C}/questions/{question}/answers`, { auth: 'other', body: {} }, 400, 40001, 'content'],
    ['an answer with a question_id in the body', 'POST', `${C}/questions/{question}/answers`, { auth: 'other', body: { content: 'c', question_id: 1 } }, 400, 40001, 'question_id'],
    ['an answer to a question that does not exist', 'POST', `${C}/questions/987654321/answers`, { auth: 'other', body: { content: 'c' } }, 404, 40401, 'question_id'],
    ...signedOut('POST', `${C}/questions/{question}/answers`, { content: 'c' }),
    // POST /answers/:id/accept
    ...badIds('POST', (id) => `${C}/answers/${id}/accept`),
    ['accepting an answer that does not exist', 'POST', `${C}/answers/987654321/accept`, { auth: 'asker' }, 404, 40401, 'answer_id'],
    ["accepting an answer to another user's question", 'POST', `${C}/answers/{answer}/accept`, { auth: 'other' }, 403, 40301, 'user_id'],
    ...signedOut('POST', `${C}/answers/{answer}/accept`),
    // PUT /answers/:id/vote
    ['vote 2', 'PUT', `${C}/answers/{answer}/vote`, { auth: 'asker', body: { value: 2 } }, 400, 40001, 'value'],
    ['vote -2', 'PUT', `${C}/answers/{answer}/vote`, { auth: 'asker', body: { value: -2 } }, 400, 40001, 'value'],
    ['a fractional vote', 'PUT', `${C}/answers/{answer}/vote`, { auth: 'asker', body: { value: 0.5 } }, 400, 40001, 'value'],
    ['a vote as text', 'PUT', `${C}/answers/{answer}/vote`, { auth: 'asker', body: { value: '1' } }, 400, 40001, 'value'],
    ['a vote without a value', 'PUT', `${C}/answers/{answer}/vote`, { auth: 'asker', body: {} }, 400, 40001, 'value'],
    ['a vote with a user_id', 'PUT', `${C}/answers/{answer}/vote`, { auth: 'asker', body: { value: 1, user_id: 5 } }, 400, 40001, 'user_id'],
    ...badIds('PUT', (id) => `${C}/answers/${id}/vote`, { value: 1 }),
    ['a vote on an answer that does not exist', 'PUT', `${C}/answers/987654321/vote`, { auth: 'asker', body: { value: 1 } }, 404, 40401, 'answer_id'],
    ['a vote on my own answer', 'PUT', `${C}/answers/{own}/vote`, { auth: 'other', body: { value: 1 } }, 403, 40301, 'user_id'],
    ...signedOut('PUT', `${C}/answers/{answer}/vote`, { value: 1 }),
  ];

  it.each(cases)('%s: %s %s', async (_name, method, rawUrl, o, status, code, mentions) => {
    const url = rawUrl.replace('{question}', String(ids.question)).replace('{answer}', String(ids.answer)).replace('{own}', String(ids.own)).replace('{hotCursor}', ids.hotCursor);
    const token = o.auth === 'asker' ? asker.token : o.auth === 'other' ? other.token : undefined;
    const auth = token === undefined && o.auth !== undefined ? o.auth : undefined;
    const res = await c.call(method, url, { body: o.body, raw: o.raw, token, auth });
    expect(res.status, res.text).toBe(status);
    expect(res.body.code).toBe(code);
    expect(res.body.message).toContain(mentions);
    expect(res.text).not.toMatch(/at \w+ \(|SELECT|INSERT|DELETE FROM|sqlite|mysql/i);
  });

  it('changed nothing: the question, its answer and the votes are as written', async () => {
    const shown = await c.detail(ids.question, asker.token);
    expect(shown.question).toMatchObject({ title: 'the question bad input aims at', content: 'as written', answer_count: 1, accepted_answer_id: null });
    expect(shown.answers).toHaveLength(1);
    expect(shown.answers[0]).toMatchObject({ content: 'the answer as written', score: 0, up_count: 0, down_count: 0, my_vote: 0 });
  });
});
