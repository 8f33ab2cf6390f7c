// Bad input to every RPC of the qa service: InvalidArgument naming the field, refused before any
// work (no row written, no event). The handlers are called directly, so inputs the wire cannot
// carry (fractions in an int64) are tried too. The bounds themselves are taken.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { rejectionOf, testDatabases } from '#kit/testing';
import type { AcceptAnswerRequest, AskQuestionRequest, GetQuestionRequest, ListQuestionsRequest, PostAnswerRequest, SearchRequest, VoteRequest } from '#gen/surge/qa/v1/qa';
import { MAX_CONTENT, MAX_TAG, MAX_TAGS, MAX_TITLE } from './index.js';
import { encodeCursor } from './model/cursor.js';
import { qaFixturesOn, type QaFixture } from './testing/fixture.js';

const sqlite = (await testDatabases()).find((kind) => kind.name === 'SQLite')!;
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** The rows and events a refused call must not have made. */
const written = async (f: QaFixture) => ({
  questions: (await f.db.db.selectFrom('questions').select('id').execute()).length,
  answers: (await f.db.db.selectFrom('answers').select('id').execute()).length,
  votes: (await f.db.db.selectFrom('answer_votes').select('answer_id').execute()).length,
  events: (await f.settle()).length,
});

const ids = (field: string): [string, number, string][] => [
  [`${field} 0`, 0, field],
  [`a negative ${field}`, -1, field],
  [`a fractional ${field}`, 1.5, field],
  [`an unsafe ${field}`, 2 ** 53, field],
];

const texts = (field: 'title' | 'content', max: number, multiline: boolean): [string, string, string][] => [
  [`empty ${field}`, '', field],
  [`${field} of spaces`, '   ', field],
  [`${field} of ${max + 1} characters`, '好'.repeat(max + 1), field],
  [`${field} with a control character`, 'a\u0007b', field],
  [`${field} with a bidi override`, 'a \u202Eb', field],
  [`${field} with a lone surrogate`, 'a \uD800 b', field],
  [`${field} of invisible characters`, '\u200b\u200b', field],
  ...(multiline ? [] : ([[`${field} on two lines`, 'a\nb', field]] as [string, string, string][])),
];

describe('bad input to the qa service', () => {
  const open = qaFixturesOn(sqlite);
  const good: AskQuestionRequest = { userId: 1, title: 'a title', content: 'a body', tags: [] };

  it.each<[string, Partial<AskQuestionRequest>, string]>([
    ...ids('user_id').map(([what, userId, field]): [string, Partial<AskQuestionRequest>, string] => [what, { userId }, field]),
    ...texts('title', MAX_TITLE, false).map(([what, title, field]): [string, Partial<AskQuestionRequest>, string] => [what, { title }, field]),
    ...texts('content', MAX_CONTENT, true).map(([what, content, field]): [string, Partial<AskQuestionRequest>, string] => [what, { content }, field]),
    [`${MAX_TAGS + 1} tags`, { tags: ['a', 'b', 'c', 'd', 'e', 'f'] }, 'tags'],
    ['an empty tag', { tags: ['go', ''] }, 'tags'],
    [`a tag of ${MAX_TAG + 1} characters`, { tags: ['t'.repeat(MAX_TAG + 1)] }, 'tags'],
    ['a tag on two lines', { tags: ['a\nb'] }, 'tags'],
  ])('AskQuestion refuses %s', async (_what, change, field) => {
    const f = await open();
    const e = await rejectionOf(f.handlers.askQuestion({ ...good, ...change }, undefined as never), Code.InvalidArgument);
    expect(e.details).toEqual({ field });
    expect(e.message.startsWith(`${field}: `)).toBe(true);
    expect(await written(f)).toEqual({ questions: 0, answers: 0, votes: 0, events: 0 });
  });

  it('AskQuestion takes the bounds: 100-character title, 20,000 emoji of body, five 20-character tags', async () => {
    const f = await open();
    const tags = ['a', 'b', 'c', 'd', 'e'].map((c) => c.repeat(MAX_TAG));
    const q = await f.svc.askQuestion({ ...good, title: '问'.repeat(MAX_TITLE), content: '😀'.repeat(MAX_CONTENT), tags });
    expect([...q.title]).toHaveLength(MAX_TITLE);
    expect([...q.content]).toHaveLength(MAX_CONTENT);
    expect(q.tags).toEqual(tags);
    expect((await f.svc.getQuestion({ id: q.id, viewerId: 0 })).question).toEqual(q);
  });

  it.each<[string, Partial<PostAnswerRequest>, string]>([
    ...ids('user_id').map(([what, userId, field]): [string, Partial<PostAnswerRequest>, string] => [what, { userId }, field]),
    ...ids('question_id').map(([what, questionId, field]): [string, Partial<PostAnswerRequest>, string] => [what, { questionId }, field]),
    ...texts('content', MAX_CONTENT, true).map(([what, content, field]): [string, Partial<PostAnswerRequest>, string] => [what, { content }, field]),
  ])('PostAnswer refuses %s', async (_what, change, field) => {
    const f = await open();
    const q = await f.ask(1);
    const e = await rejectionOf(f.handlers.postAnswer({ userId: 2, questionId: q.id, content: 'an answer', ...change }, undefined as never), Code.InvalidArgument);
    expect(e.details).toEqual({ field });
    expect(await written(f)).toEqual({ questions: 1, answers: 0, votes: 0, events: 0 });
  });

  it('PostAnswer takes a body of 20,000 emoji', async () => {
    const f = await open();
    const q = await f.ask(1);
    const a = await f.answer(2, q.id, '😀'.repeat(MAX_CONTENT));
    expect((await f.svc.getQuestion({ id: q.id, viewerId: 0 })).answers).toEqual([a]);
  });

  it.each<[string, Partial<AcceptAnswerRequest>, string]>([
    ...ids('user_id').map(([what, userId, field]): [string, Partial<AcceptAnswerRequest>, string] => [what, { userId }, field]),
    ...ids('answer_id').map(([what, answerId, field]): [string, Partial<AcceptAnswerRequest>, string] => [what, { answerId }, field]),
  ])('AcceptAnswer refuses %s', async (_what, change, field) => {
    const f = await open();
    const q = await f.ask(1);
    const a = await f.answer(2, q.id);
    const e = await rejectionOf(f.handlers.acceptAnswer({ userId: 1, answerId: a.id, ...change }, undefined as never), Code.InvalidArgument);
    expect(e.details).toEqual({ field });
    expect((await f.svc.getQuestion({ id: q.id, viewerId: 0 })).question!.acceptedAnswerId).toBe(0);
  });

  it.each<[string, Partial<VoteRequest>, string]>([
    ...ids('user_id').map(([what, userId, field]): [string, Partial<VoteRequest>, string] => [what, { userId }, field]),
    ...ids('answer_id').map(([what, answerId, field]): [string, Partial<VoteRequest>, string] => [what, { answerId }, field]),
    ['value 2', { value: 2 }, 'value'],
    ['value -2', { value: -2 }, 'value'],
    ['a fractional value', { value: 0.5 }, 'value'],
    ['value NaN', { value: Number.NaN }, 'value'],
  ])('Vote refuses %s', async (_what, change, field) => {
    const f = await open();
    const q = await f.ask(1);
    const a = await f.answer(2, q.id);
    const e = await rejectionOf(f.handlers.vote({ userId: 3, answerId: a.id, value: 1, ...change }, undefined as never), Code.InvalidArgument);
    expect(e.details).toEqual({ field });
    expect((await written(f)).votes).toBe(0);
  });

  it.each<[string, Partial<GetQuestionRequest>, string]>([
    ...ids('id').map(([what, id, field]): [string, Partial<GetQuestionRequest>, string] => [what, { id }, field]),
    ['a negative viewer_id', { viewerId: -1 }, 'viewer_id'],
    ['a fractional viewer_id', { viewerId: 2.5 }, 'viewer_id'],
  ])('GetQuestion refuses %s', async (_what, change, field) => {
    const f = await open();
    const e = await rejectionOf(f.handlers.getQuestion({ id: 1, viewerId: 0, ...change }, undefined as never), Code.InvalidArgument);
    expect(e.details).toEqual({ field });
  });

  const cursors: [string, string][] = [
    ['a cursor that is not base64url', 'n.5!'],
    ['a cursor of plain text', 'hello'],
    ['a cursor of id 0', b64('newest.5.0')],
    ['a cursor with a negative key', b64('newest.-5.9')],
    ['a cursor past 2^53', b64('newest.5.9007199254740993')],
    ['a cursor spelled another way (padding bits)', 'bmV3ZXN0LjUuOR'],
    ['a cursor of 201 characters', 'A'.repeat(201)],
  ];

  it.each<[string, Partial<ListQuestionsRequest>, string]>([
    ['an unknown sort', { sort: 'likes' }, 'sort'],
    ['a sort in capitals', { sort: 'HOT' }, 'sort'],
    ...cursors.map(([what, cursor]): [string, Partial<ListQuestionsRequest>, string] => [what, { cursor }, 'cursor']),
    ["the hot list's cursor", { cursor: encodeCursor({ kind: 'hot', keys: [5], id: 9 }) }, 'cursor'],
    ['a search cursor', { cursor: encodeCursor({ kind: 'search', keys: [3, 5], id: 9 }) }, 'cursor'],
    ['a negative limit', { limit: -1 }, 'limit'],
    ['a fractional limit', { limit: 1.5 }, 'limit'],
  ])('ListQuestions refuses %s', async (_what, change, field) => {
    const f = await open();
    const e = await rejectionOf(f.handlers.listQuestions({ sort: 'newest', cursor: '', limit: 20, ...change }, undefined as never), Code.InvalidArgument);
    expect(e.details).toEqual({ field });
  });

  it('ListQuestions takes its own cursor (well-formed, even made by hand): it only moves the page start', async () => {
    const f = await open();
    expect(await f.handlers.listQuestions({ sort: 'newest', cursor: encodeCursor({ kind: 'newest', keys: [5], id: 9 }), limit: 5 }, undefined as never)).toEqual({ questions: [], nextCursor: '', isEnd: true });
  });

  it.each<[string, Partial<SearchRequest>, string]>([
    ['an empty q', { q: '' }, 'q'],
    ['a q of 51 characters', { q: '手'.repeat(51) }, 'q'],
    ['a q on two lines', { q: 'a\nb' }, 'q'],
    ['a q with nothing to search for', { q: '!!! ---' }, 'q'],
    ...cursors.map(([what, cursor]): [string, Partial<SearchRequest>, string] => [what, { cursor }, 'cursor']),
    ["the newest list's cursor", { cursor: encodeCursor({ kind: 'newest', keys: [5], id: 9 }) }, 'cursor'],
    ['a negative limit', { limit: -3 }, 'limit'],
  ])('Search refuses %s', async (_what, change, field) => {
    const f = await open();
    const e = await rejectionOf(f.handlers.search({ q: 'paging', cursor: '', limit: 20, ...change }, undefined as never), Code.InvalidArgument);
    expect(e.details).toEqual({ field });
  });
});
