// The qa service's tables (model/migrations.ts makes them; the outbox's tables belong to
// #kit/outbox). Every bigint comes back from MariaDB as a string: the models turn each into a number.

export interface QuestionsTable {
  id: number;
  asker_id: number;
  title: string;
  /** Markdown, as stored (configured words masked). */
  content: string;
  /** A JSON array of strings. */
  tags: string;
  /** Kept in the transaction that stores each answer. */
  answer_count: number;
  /** 0 while no answer is accepted. */
  accepted_answer_id: number;
  /** The sum of its answers' scores, kept in the transaction of each vote: the hot score's votes. */
  answer_score_sum: number;
  /** The hot order's key (model/hot.ts), recomputed in every transaction that changes an input of it. */
  hot_score: number;
  /** ms since the epoch: the "newest" and "unanswered" orders. */
  created_at: number;
  /** The newest answer's time; 0 while unanswered. */
  last_answer_at: number;
}

export interface AnswersTable {
  id: number;
  question_id: number;
  answerer_id: number;
  content: string;
  /** up_count - down_count, each kept in the transaction that writes the vote. */
  score: number;
  up_count: number;
  down_count: number;
  created_at: number;
}

/** One row per (answer, user) who votes it: value 1 or -1 (removing a vote deletes the row). */
export interface AnswerVotesTable {
  answer_id: number;
  user_id: number;
  value: number;
}

/** The search index (#kit/search): one row per (term, question). */
export interface QuestionTermsTable {
  term: string;
  question_id: number;
  weight: number;
}

export interface QaDB {
  questions: QuestionsTable;
  answers: AnswersTable;
  answer_votes: AnswerVotesTable;
  question_terms: QuestionTermsTable;
}
