// Answer rows: each stored in one transaction with its question's count, last-answer time and
// hot score (model/counters.ts) and the caller's event; read one at a time with its question's
// acceptance, and a question's shown answers in one query, the accepted one first.
import { sql } from 'kysely';
import type { ServiceDatabase } from '#kit/store';
import type { Answer, Question } from '#gen/surge/qa/v1/qa';
import { changeQuestion } from './counters.js';
import { ANSWER_COLUMNS, toAnswer, toQuestion } from './rows.js';
import type { AnswersTable, QaDB } from './tables.js';
import type { Tx } from './tx.js';

/** An answer as first written: no votes yet. */
export type NewAnswer = Pick<AnswersTable, 'id' | 'question_id' | 'answerer_id' | 'content' | 'created_at'>;

export interface AnswerModel {
  /**
   * Counts the answer on its question and stores it, then runs inTx with the question as it is
   * after, in one transaction: that question, or undefined (nothing stored) when there is none.
   */
  add(row: NewAnswer, inTx: (trx: Tx, question: Question) => Promise<void>): Promise<{ answer: Answer; question: Question } | undefined>;
  /** One answer, marked accepted when it is; my_vote 0. */
  find(id: number): Promise<Answer | undefined>;
  /** A question's first `limit` answers: the accepted one, then by score (highest first), then oldest first; my_vote 0. */
  shown(question: Question, limit: number): Promise<Answer[]>;
}

export function createAnswerModel(store: ServiceDatabase<QaDB>): AnswerModel {
  const db = store.db;
  return {
    add: (row, inTx) =>
      store.transaction(async (trx) => {
        // The question first: it must exist, and its row lock orders concurrent answers to it.
        const counted = await changeQuestion(trx, row.question_id, { kind: 'answered', at: row.created_at });
        if (!counted) return undefined;
        const stored: AnswersTable = { ...row, score: 0, up_count: 0, down_count: 0 };
        await trx.insertInto('answers').values(stored).execute();
        const question = toQuestion(counted);
        await inTx(trx, question);
        return { answer: toAnswer(stored, question.acceptedAnswerId, 0), question };
      }),

    async find(id) {
      const row = await db
        .selectFrom('answers as a')
        .innerJoin('questions as q', 'q.id', 'a.question_id')
        .select([...ANSWER_COLUMNS.map((c) => `a.${c}` as const), 'q.accepted_answer_id'])
        .where('a.id', '=', id)
        .executeTakeFirst();
      return row && toAnswer(row, Number(row.accepted_answer_id), 0);
    },

    async shown(question, limit) {
      const rows = await db
        .selectFrom('answers')
        .select(ANSWER_COLUMNS)
        .where('question_id', '=', question.id)
        .orderBy(sql`case when id = ${question.acceptedAnswerId} then 0 else 1 end`)
        .orderBy('score', 'desc')
        .orderBy('created_at', 'asc')
        .orderBy('id', 'asc')
        .limit(limit)
        .execute();
      return rows.map((r) => toAnswer(r, question.acceptedAnswerId, 0));
    },
  };
}
