// The community API's objects, from the services' messages: snake_case, as docs/api/community.md
// gives them, people with their public name and avatar, counts and the caller's like flag from
// the interaction service.
import type { Article } from '#gen/surge/article/v1/article';
import type { TargetComment, TargetState } from '#gen/surge/interaction/v1/interaction';
import type { Answer, Question } from '#gen/surge/qa/v1/qa';
import type { User } from '#gen/surge/user/v1/user';

/** Characters of the body a list shows. */
export const SUMMARY_CHARS = 140;

type Known = ReadonlyMap<number, Pick<User, 'name' | 'avatar'>>;

/** A person by id: name and avatar when the user service knows them, else empty. */
export const personView = (id: number, people: Known) => ({ id, name: people.get(id)?.name ?? '', avatar: people.get(id)?.avatar ?? '' });

/** Code points, not UTF-16 units: a cut never splits an emoji or a rare Han character. */
export const firstChars = (text: string, n: number): string => {
  const chars = [...text];
  return chars.length <= n ? text : chars.slice(0, n).join('');
};

const NO_STATE: TargetState = { likeCount: 0, commentCount: 0, liked: false };

// What a list item and the detail both show. Like and comment counts are the interaction
// service's (the article's stored copies serve its "by likes" order); views are the article's.
const articleFields = (a: Article, people: Known, state: TargetState = NO_STATE) => ({
  id: a.id,
  title: a.title,
  cover_url: a.coverUrl === '' ? null : a.coverUrl,
  tags: a.tags,
  author: personView(a.authorId, people),
  like_count: state.likeCount,
  comment_count: state.commentCount,
  view_count: a.viewCount,
  liked: state.liked,
  created_at: a.createdAt,
});

export const articleView = (a: Article, people: Known, state?: TargetState) => ({ ...articleFields(a, people, state), content: a.content, status: a.status === 'draft' ? ('draft' as const) : ('published' as const), updated_at: a.updatedAt });

export const articleSummaryView = (a: Article, people: Known, state?: TargetState) => ({ ...articleFields(a, people, state), summary: firstChars(a.content, SUMMARY_CHARS) });

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
