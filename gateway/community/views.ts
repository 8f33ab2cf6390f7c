// The community API's objects, from the services' messages: snake_case, as docs/api/community.md
// gives them, people with their public name and avatar, counts and the caller's like flag from
// the interaction service.
import type { TargetComment } from '#gen/surge/interaction/v1/interaction';
import type { Answer, Question } from '#gen/surge/qa/v1/qa';
import type { User } from '#gen/surge/user/v1/user';

/** Characters of the body a list shows. */
export const SUMMARY_CHARS = 140;

type Known = ReadonlyMap<number, Pick<User, 'name' | 'avatar'>>;

/** A person by id: name and avatar when the user service knows them, else empty. */
export const personView = (id: number, people: Known) => ({ id, name: people.get(id)?.name ?? '', avatar: people.get(id)?.avatar ?? '' });

/**
 * The first n code points, not UTF-16 units: a cut never splits an emoji or a rare Han character.
 * Walks only as far as the cut (spreading a 20,000-character body into code points to keep 140
 * was most of a list page's CPU).
 */
export function firstChars(text: string, n: number): string {
  let at = 0;
  for (let count = 0; count < n; count++) {
    if (at >= text.length) return text;
    const unit = text.charCodeAt(at);
    // A high surrogate followed by a low one is one code point of two units.
    at += unit >= 0xd800 && unit <= 0xdbff && at + 1 < text.length && (text.charCodeAt(at + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
  }
  return at >= text.length ? text : text.slice(0, at);
}

export const commentView = (c: TargetComment, people: Known) => ({
  id: c.id,
  biz: c.biz,
  target_id: c.targetId,
  user: personView(c.userId, people),
  content: c.content,
  root_id: c.rootId === 0 ? null : c.rootId,
  reply_to_user: c.rootId === 0 ? null : personView(c.replyToUserId, people),
  reply_count: c.replyCount,
  created_at: c.createdAt,
});

const questionFields = (q: Question, people: Known) => ({
  id: q.id,
  title: q.title,
  tags: q.tags,
  author: personView(q.askerId, people),
  answer_count: q.answerCount,
  accepted_answer_id: q.acceptedAnswerId === 0 ? null : q.acceptedAnswerId,
  created_at: q.createdAt,
  last_answer_at: q.lastAnswerAt === 0 ? null : q.lastAnswerAt,
});

export const questionView = (q: Question, people: Known) => ({ ...questionFields(q, people), content: q.content });

export const questionSummaryView = (q: Question, people: Known) => ({ ...questionFields(q, people), summary: firstChars(q.content, SUMMARY_CHARS) });

export const answerView = (a: Answer, people: Known) => ({
  id: a.id,
  question_id: a.questionId,
  content: a.content,
  author: personView(a.answererId, people),
  score: a.score,
  up_count: a.upCount,
  down_count: a.downCount,
  accepted: a.accepted,
  my_vote: a.myVote,
  created_at: a.createdAt,
});
