// Question rows: written with their search terms in one transaction, read by primary key, and the
// acceptance of an answer, checked and changed in one transaction with its event.
import type { Kysely } from 'kysely';
import { writeTerms } from '#kit/search';
import type { ServiceDatabase } from '#kit/store';
import type { Question } from '#gen/surge/qa/v1/qa';
import { hotScore } from './hot.js';
import { QUESTION_COLUMNS, toQuestion } from './rows.js';
import type { QaDB, QuestionsTable } from './tables.js';
import { QUESTION_TERMS, questionTerms } from './terms.js';
import type { Tx } from './tx.js';

/** A question as first written: no answers yet. */
export type NewQuestion = Pick<QuestionsTable, 'id' | 'asker_id' | 'title' | 'content' | 'created_at'> & { tags: readonly string[] };

export interface QuestionModel {
  /** The row and its search terms, in one transaction. */
  insert(row: NewQuestion): Promise<Question>;
  byId(id: number): Promise<Question | undefined>;
  /**
   * Makes answerId the accepted answer when `allowed(before)` holds, then runs inTx, in one
   * transaction; accepting the accepted answer changes nothing and runs nothing. The question
   * after, and whether it changed; undefined when there is no such question.
   */
  accept(questionId: number, answerId: number, allowed: (before: Question) => void, inTx: (trx: Tx) => Promise<void>): Promise<{ after: Question; changed: boolean } | undefined>;
}

export function createQuestionModel(store: ServiceDatabase<QaDB>): QuestionModel {
  const read = async (on: Kysely<QaDB>, id: number) => {
    const row = await on.selectFrom('questions').select(QUESTION_COLUMNS).where('id', '=', id).executeTakeFirst();
    return row && toQuestion(row);
  };

  return {
    async insert(row) {
      const stored: QuestionsTable = {
        ...row,
        tags: JSON.stringify(row.tags),
        answer_count: 0,
        accepted_answer_id: 0,
        answer_score_sum: 0,
        hot_score: hotScore({ createdAt: row.created_at, lastAnswerAt: 0, answerCount: 0, answerScoreSum: 0 }),
        last_answer_at: 0,
      };
      await store.transaction(async (trx) => {
        await trx.insertInto('questions').values(stored).execute();
        await writeTerms(trx, QUESTION_TERMS, row.id, questionTerms(row.title, row.tags, row.content), { fresh: true });
      });
      return toQuestion(stored);
    },

    byId: (id) => read(store.db, id),

    accept: (questionId, answerId, allowed, inTx) =>
      store.transaction(async (trx) => {
        const before = await read(trx, questionId);
        if (!before) return undefined;
        allowed(before);
        if (before.acceptedAnswerId === answerId) return { after: before, changed: false };
        await trx.updateTable('questions').set({ accepted_answer_id: answerId }).where('id', '=', questionId).execute();
        await inTx(trx);
        // Read again: the row as this write left it, counters written meanwhile included.
        return { after: (await read(trx, questionId))!, changed: true };
      }),
  };
}
