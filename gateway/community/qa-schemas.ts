// The community API's Q&A shapes (/api/v1/community/questions, /answers): snake_case JSON, times
// in ms since the epoch, lists a page `{questions, next_cursor, is_end}`. Text rules (lengths,
// characters) are the qa service's, which names the field; here only shapes.
import { Type } from 'typebox';
import { Cursor, Id, LimitParam, WellFormedText } from '../schemas/common.js';

const Tags = Type.Array(WellFormedText('1–20 characters'), { maxItems: 5, description: 'must be at most 5 tags' });
const Markdown = () => WellFormedText('1–20,000 characters of Markdown');

export const NewQuestion = Type.Object({ title: WellFormedText('1–100 characters'), content: Markdown(), tags: Type.Optional(Tags) }, { additionalProperties: false });

export const NewAnswer = Type.Object({ content: Markdown() }, { additionalProperties: false });

export const VoteBody = Type.Object(
  { value: Type.Union([Type.Literal(1), Type.Literal(-1), Type.Literal(0)], { description: 'must be 1 (up), -1 (down) or 0 (remove my vote)' }) },
  { additionalProperties: false },
);

export const QuestionsQuery = Type.Object(
  {
    sort: Type.Optional(Type.Union([Type.Literal('newest'), Type.Literal('hot'), Type.Literal('unanswered')], { description: 'must be newest, hot or unanswered' })),
    cursor: Type.Optional(Cursor),
    limit: Type.Optional(LimitParam),
  },
  { additionalProperties: false },
);

const Author = Type.Object({ id: Id, name: Type.String(), avatar: Type.String() });

/** What a list item and the detail both show. */
const questionFields = {
  id: Id,
  title: Type.String(),
  tags: Type.Array(Type.String()),
  author: Author,
  answer_count: Type.Integer(),
  accepted_answer_id: Type.Union([Id, Type.Null()], { description: 'null while no answer is accepted' }),
  created_at: Type.Integer(),
  last_answer_at: Type.Union([Type.Integer(), Type.Null()], { description: 'null while unanswered' }),
};

export const Question = Type.Object({ ...questionFields, content: Type.String({ description: 'Markdown' }) });
export const QuestionReply = Type.Object({ question: Question });

/** A list's question: the detail without the body, with its first characters instead. */
export const QuestionSummary = Type.Object({ ...questionFields, summary: Type.String({ description: 'the first 140 characters of the Markdown body' }) });
export const QuestionPage = Type.Object({ questions: Type.Array(QuestionSummary), next_cursor: Type.String(), is_end: Type.Boolean() });

export const Answer = Type.Object({
  id: Id,
  question_id: Id,
  content: Type.String({ description: 'Markdown' }),
  author: Author,
  score: Type.Integer({ description: 'up-votes minus down-votes' }),
  up_count: Type.Integer(),
  down_count: Type.Integer(),
  accepted: Type.Boolean(),
  my_vote: Type.Integer({ description: "the caller's vote: 1, -1, or 0 (none, or signed out)" }),
  created_at: Type.Integer(),
});
export const AnswerReply = Type.Object({ answer: Answer });

export const QuestionDetail = Type.Object({ question: Question, answers: Type.Array(Answer, { description: 'the accepted answer first, then by score, then the oldest first; at most 100' }) });
