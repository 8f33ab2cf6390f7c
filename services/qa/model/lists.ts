// The queries behind the question lists: newest, unanswered (newest first) and hot, and search
// matches. Each reads limit + 1 rows along an index, so a page knows whether it is the last, and
// returns each question with the keys it was sorted by, for the next page's cursor.
import { sql, type Kysely } from 'kysely';
import { after } from '#kit/paging';
import { matchingAll } from '#kit/search';
import type { Question } from '#gen/surge/qa/v1/qa';
import { QUESTION_COLUMNS, toQuestion } from './rows.js';
import type { QaDB } from './tables.js';
import { QUESTION_TERMS } from './terms.js';

export type QuestionOrder = 'newest' | 'unanswered' | 'hot';

export const QUESTION_ORDERS: readonly QuestionOrder[] = ['newest', 'unanswered', 'hot'];

/** The column each list is sorted by, descending, before the id (descending too). */
const COLUMN: Record<QuestionOrder, 'created_at' | 'hot_score'> = { newest: 'created_at', unanswered: 'created_at', hot: 'hot_score' };

/** A question with the keys it was sorted by (before the id). */
export interface Listed {
  question: Question;
  keys: number[];
}

/** Where a page starts: after the row with these keys and id. */
export interface After {
  keys: number[];
  id: number;
}

export interface ListModel {
  /** Questions in `order`, ties broken by id, all descending; "unanswered" holds those with no answer. */
  list(order: QuestionOrder, from: After | undefined, limit: number): Promise<Listed[]>;
  /** Questions holding every term: by score (the weights of the terms found), created_at, id; all descending. */
  search(terms: readonly string[], from: After | undefined, limit: number): Promise<Listed[]>;
}

export function createListModel(db: Kysely<QaDB>): ListModel {
  return {
    async list(order, from, limit) {
      const column = COLUMN[order];
      let q = db.selectFrom('questions').select(QUESTION_COLUMNS);
      if (order === 'unanswered') q = q.where('answer_count', '=', 0);
      if (from) q = q.where((eb) => after(eb, [column, 'id'], [...from.keys, from.id], 'desc'));
      const rows = await q.orderBy(column, 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
      return rows.map((r) => {
        const question = toQuestion(r);
        return { question, keys: [column === 'hot_score' ? question.hotScore : question.createdAt] };
      });
    },

    async search(terms, from, limit) {
      let q = db
        .selectFrom(matchingAll(db, QUESTION_TERMS, terms).as('m'))
        .innerJoin('questions as q', 'q.id', 'm.doc_id')
        .select([...QUESTION_COLUMNS.map((c) => `q.${c}` as const), sql<number>`m.score`.as('score')]);
      if (from) q = q.where((eb) => after(eb, ['m.score', 'q.created_at', 'q.id'], [...from.keys, from.id], 'desc'));
      const rows = await q.orderBy('m.score', 'desc').orderBy('q.created_at', 'desc').orderBy('q.id', 'desc').limit(limit + 1).execute();
      return rows.map((r) => {
        const question = toQuestion(r);
        return { question, keys: [Number(r.score), question.createdAt] };
      });
    },
  };
}
