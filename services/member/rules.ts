// Rules of the member service: the published level table, the UTC day points are capped by, and
// the input checks (the gateway checks shapes first, but the service is also reachable over RPC).
import { errors } from '#kit/errors';
import { checkId, checkIds } from '#kit/rules';

export { checkId };

/** GetMembership: ids per call. */
export const MAX_BATCH = 100;
export const MIN_VIP_MONTHS = 1;
export const MAX_VIP_MONTHS = 12;
/** A VIP month is 30 days, whatever the calendar says. */
export const VIP_MONTH_MS = 30 * 86_400_000;
const DAY_MS = 86_400_000;

/**
 * The level table, published (docs/api/community.md): LEVELS[i] is the points level i + 1 starts
 * at. Levels never go down: points are never taken back.
 */
export const LEVELS: readonly number[] = Object.freeze([0, 100, 300, 1000, 3000, 10_000]);

/** The level `points` reach: 1–6. */
export function levelOf(points: number): number {
  let level = 1;
  for (let i = 1; i < LEVELS.length; i++) if (points >= LEVELS[i]!) level = i + 1;
  return level;
}

/** The UTC day of an instant (days since the epoch): daily caps reset at 00:00 UTC. */
export const utcDay = (ms: number): number => Math.floor(ms / DAY_MS);

/** 1–100 ids, each a positive id; repeats are answered repeated. */
export function checkUserIds(ids: readonly number[]): number[] {
  if (ids.length === 0) throw errors.invalid('user_ids', 'give at least one id');
  return checkIds('user_ids', ids, { max: MAX_BATCH });
}

export function checkMonths(months: number): number {
  if (!Number.isInteger(months) || months < MIN_VIP_MONTHS || months > MAX_VIP_MONTHS) throw errors.invalid('months', `must be a whole number from ${MIN_VIP_MONTHS} to ${MAX_VIP_MONTHS}`);
  return months;
}

export function checkSimulate(v: string): '' | 'fail' {
  if (v !== '' && v !== 'fail') throw errors.invalid('simulate', 'must be "" or "fail"');
  return v;
}
