// An article's hot score: Reddit's "hot" with likes, comments and views weighed together,
// log10(max(1, 2·likes + 3·comments + views/10)) + created_at_s / 45,000, stored × 10^7 as an
// integer (an exact cursor key). The time term is absolute, not an age: every article ages alike,
// so ordering by the value stored when its counts last changed is ordering by the value now, and
// nothing needs rescoring as time passes (docs/decisions.md). Ten times the interactions are worth
// 12.5 hours of recency.

/** Interactions ×10 are worth this many seconds of being newer. */
export const HOT_HALF_DAY_S = 45_000;
const SCALE = 1e7;

export function hotScore(a: { likeCount: number; commentCount: number; viewCount: number; createdAt: number }): number {
  const weight = 2 * Math.max(0, a.likeCount) + 3 * Math.max(0, a.commentCount) + Math.max(0, a.viewCount) / 10;
  return Math.round((Math.log10(Math.max(1, weight)) + a.createdAt / 1000 / HOT_HALF_DAY_S) * SCALE);
}
