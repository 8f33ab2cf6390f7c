// A question's counters and its hot score change together, inside the transaction of the answer
// or vote that changes them: the counter is added to in place (row-locked until commit, so
// concurrent writers queue on it and none is lost), then the hot score is recomputed from the row
// as it now stands. Two statements rather than one, because MariaDB evaluates a multi-column SET
// left to right with the new values and SQLite with the old: the formula lives once, in hot.ts.
import type { Kysely } from 'kysely';
import { hotScore } from './hot.js';
import { QUESTION_COLUMNS, type QuestionRow } from './rows.js';
import type { QaDB } from './tables.js';

export type QuestionChange =
  /** An answer was stored at `at`. */
  | { kind: 'answered'; at: number }
  /** A vote changed an answer's score by `delta` (never 0). */
  | { kind: 'voted'; delta: number };

/** Applies the change and the new hot score; the row after, or undefined when there is no such question. */
export async function changeQuestion(trx: Kysely<QaDB>, questionId: number, change: QuestionChange): Promise<QuestionRow | undefined> {
  const changed = await trx
    .updateTable('questions')
    .set((eb) =>
      change.kind === 'answered'
        ? { answer_count: eb('answer_count', '+', 1), last_answer_at: change.at }
        : { answer_score_sum: eb('answer_score_sum', '+', change.delta) },
    )
    .where('id', '=', questionId)
    .executeTakeFirst();
  if (Number(changed.numUpdatedRows) === 0) return undefined;
  // Read in the same transaction: its own write, on the latest row (the update locked it).
  const row = await trx.selectFrom('questions').select([...QUESTION_COLUMNS, 'answer_score_sum']).where('id', '=', questionId).executeTakeFirstOrThrow();
  const hot = hotScore({
    createdAt: Number(row.created_at),
    lastAnswerAt: Number(row.last_answer_at),
    answerCount: Number(row.answer_count),
    answerScoreSum: Number(row.answer_score_sum),
  });
  await trx.updateTable('questions').set({ hot_score: hot }).where('id', '=', questionId).execute();
  return { ...row, hot_score: hot };
}
