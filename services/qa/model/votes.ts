// Votes on answers, one row per (answer, user), and each answer's score kept exact under
// concurrent votes: the vote row and the counters it moves (the answer's ups, downs and score,
// its question's answer-score sum and hot score) change in one transaction, each counter added
// to in place by the difference between the new value and the old one (row-locked until commit,
// so concurrent voters queue and none is lost).
//
// The old value is read first and the write on the vote row only succeeds if it is still that:
// a first vote inserts (the primary key refuses a second first vote of the same user), a change
// updates or deletes WHERE value = old. A write that finds the row changed under it (the same
// user voting twice at once) rolls back and runs again with the value now stored.
import { Code, SurgeError } from '#kit/errors';
import { isUniqueViolation, type ServiceDatabase } from '#kit/store';
import type { Answer } from '#gen/surge/qa/v1/qa';
import { changeQuestion } from './counters.js';
import { ANSWER_COLUMNS, toAnswer } from './rows.js';
import type { QaDB } from './tables.js';

/** Runs in all of one vote when the same user's other votes keep changing its row first. */
const ATTEMPTS = 4;

/** Thrown inside the transaction when the vote row changed since it was read: run again. */
class Raced extends Error {}

export interface VoteModel {
  /**
   * Sets userId's vote on the answer to `value` (0 removes it) when `allowed(answer)` holds. The
   * answer after, with its question's acceptance and my_vote; undefined when there is no such answer.
   */
  set(answerId: number, userId: number, value: number, allowed: (answer: Answer) => void): Promise<Answer | undefined>;
  /** userId's vote on each answer that has one (1 or -1). */
  of(userId: number, answerIds: readonly number[]): Promise<Map<number, number>>;
}

const ups = (value: number) => (value === 1 ? 1 : 0);
const downs = (value: number) => (value === -1 ? 1 : 0);

export function createVoteModel(store: ServiceDatabase<QaDB>): VoteModel {
  const db = store.db;

  const readAnswer = async (on: typeof db, answerId: number, userId: number): Promise<Answer | undefined> => {
    const row = await on
      .selectFrom('answers as a')
      .innerJoin('questions as q', 'q.id', 'a.question_id')
      .leftJoin('answer_votes as v', (join) => join.onRef('v.answer_id', '=', 'a.id').on('v.user_id', '=', userId))
      .select([...ANSWER_COLUMNS.map((c) => `a.${c}` as const), 'q.accepted_answer_id', 'v.value'])
      .where('a.id', '=', answerId)
      .executeTakeFirst();
    return row && toAnswer(row, Number(row.accepted_answer_id), Number(row.value ?? 0));
  };

  const once = (answerId: number, userId: number, value: number, allowed: (answer: Answer) => void) =>
    store.transaction(async (trx) => {
      const before = await readAnswer(trx, answerId, userId);
      if (!before) return undefined;
      allowed(before);
      const old = before.myVote;
      if (old === value) return before;

      if (old === 0) {
        await trx.insertInto('answer_votes').values({ answer_id: answerId, user_id: userId, value }).execute();
      } else {
        // Only the row as it was read: value always differs from old, so a match always changes it.
        const res =
          value === 0
            ? await trx.deleteFrom('answer_votes').where('answer_id', '=', answerId).where('user_id', '=', userId).where('value', '=', old).executeTakeFirst()
            : await trx.updateTable('answer_votes').set({ value }).where('answer_id', '=', answerId).where('user_id', '=', userId).where('value', '=', old).executeTakeFirst();
        const matched = 'numDeletedRows' in res ? res.numDeletedRows : res.numUpdatedRows;
        if (Number(matched) !== 1) throw new Raced();
      }

      const delta = value - old;
      await trx
        .updateTable('answers')
        .set((eb) => ({
          score: eb('score', '+', delta),
          up_count: eb('up_count', '+', ups(value) - ups(old)),
          down_count: eb('down_count', '+', downs(value) - downs(old)),
        }))
        .where('id', '=', answerId)
        .execute();
      await changeQuestion(trx, before.questionId, { kind: 'voted', delta });
      // The row as this transaction left it: the latest committed score plus this vote.
      return readAnswer(trx, answerId, userId);
    });

  return {
    async set(answerId, userId, value, allowed) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await once(answerId, userId, value, allowed);
        } catch (err) {
          const raced = err instanceof Raced || (err instanceof SurgeError && err.cause instanceof Raced) || isUniqueViolation(err);
          if (!raced) throw err;
          if (attempt >= ATTEMPTS) throw new SurgeError(Code.Unavailable, 'this vote kept changing under concurrent votes of the same user; try again', { cause: err });
        }
      }
    },

    async of(userId, answerIds) {
      if (userId === 0 || answerIds.length === 0) return new Map();
      const rows = await db.selectFrom('answer_votes').select(['answer_id', 'value']).where('user_id', '=', userId).where('answer_id', 'in', [...answerIds]).execute();
      return new Map(rows.map((r) => [Number(r.answer_id), Number(r.value)]));
    },
  };
}
