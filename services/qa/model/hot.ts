// The "hot" order's key: Question2Answer's hotness (qa_db_hotness_update, with its default weights),
// a weighted sum of when a question was asked, when it was last answered, how many answers it
// has and how they were voted:
//
//   hot = asked_at + last_answer_at + 160,000 s × answers + 160,000 s × net votes
//
// Q2A weighs each factor so that all have about equal influence (found from activity on its meta
// site): one answer, or one net up-vote on an answer, counts as much as being asked (or last
// answered) 160,000 s (≈ 44 h) later. Q2A also adds 4,000 s per view; this service keeps no view
// count, so that term waits for one. Net votes are the sum of the question's answers' scores
// (votes here are on answers only), the Σ answer scores of Stack Overflow's formula.
//
// Why not Apache Answer's formula (Stack Overflow's 2009 one), which divides activity by
// (age in hours + 1)^1.5: the age is taken when the score is computed, so a score stored when an
// answer or vote lands is stale the next hour, and an untouched question would keep its first-day
// score forever; Answer recomputes every recent question in a cron job to cope. Q2A's sum holds
// times, not ages: every question ages alike, so ordering by the value stored at a question's last
// change is ordering by the value now. It stays an integer (ms), exact as a cursor key.

/** What one answer, and one net vote, is worth: Q2A's 160,000 s, in ms. */
export const ANSWER_WEIGHT_MS = 160_000_000;
export const VOTE_WEIGHT_MS = 160_000_000;

export interface HotInputs {
  createdAt: number;
  /** 0 while unanswered: the question's own time stands in (Q2A's COALESCE(last answer, created)). */
  lastAnswerAt: number;
  answerCount: number;
  /** The sum of the question's answers' scores (ups - downs). */
  answerScoreSum: number;
}

/**
 * The stored hot score. Floored at 0, as cursor keys are not negative (it takes some 22,000 net
 * down-votes to get there), as Answer floors its score.
 */
export function hotScore(q: HotInputs): number {
  const lastActive = q.lastAnswerAt > 0 ? q.lastAnswerAt : q.createdAt;
  return Math.max(0, q.createdAt + lastActive + ANSWER_WEIGHT_MS * q.answerCount + VOTE_WEIGHT_MS * q.answerScoreSum);
}
