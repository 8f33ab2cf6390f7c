// Rows as the contract shows them: the columns each model selects and the conversions from
// them. MariaDB returns bigint columns as strings: every number goes through Number().
import type { Answer, Question } from '#gen/surge/qa/v1/qa';
import type { AnswersTable, QuestionsTable } from './tables.js';

export const QUESTION_COLUMNS = ['id', 'asker_id', 'title', 'content', 'tags', 'answer_count', 'accepted_answer_id', 'hot_score', 'created_at', 'last_answer_at'] as const;
export const ANSWER_COLUMNS = ['id', 'question_id', 'answerer_id', 'content', 'score', 'up_count', 'down_count', 'created_at'] as const;

export type QuestionRow = Pick<QuestionsTable, (typeof QUESTION_COLUMNS)[number]>;
export type AnswerRow = Pick<AnswersTable, (typeof ANSWER_COLUMNS)[number]>;

export const toQuestion = (r: QuestionRow): Question => ({
  id: Number(r.id),
  askerId: Number(r.asker_id),
  title: r.title,
  content: r.content,
  tags: JSON.parse(r.tags) as string[],
  answerCount: Number(r.answer_count),
  acceptedAnswerId: Number(r.accepted_answer_id),
  hotScore: Number(r.hot_score),
  createdAt: Number(r.created_at),
  lastAnswerAt: Number(r.last_answer_at),
});

/** An answer, marked accepted when it is its question's `acceptedId`, with the viewer's vote. */
export const toAnswer = (r: AnswerRow, acceptedId: number, myVote: number): Answer => ({
  id: Number(r.id),
  questionId: Number(r.question_id),
  answererId: Number(r.answerer_id),
  content: r.content,
  score: Number(r.score),
  upCount: Number(r.up_count),
  downCount: Number(r.down_count),
  accepted: Number(r.id) === acceptedId,
  myVote,
  createdAt: Number(r.created_at),
});
