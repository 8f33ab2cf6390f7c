// Input rules of the relation service. The gateway checks shapes first, but the service is also
// reachable over RPC, so it checks its own rules and names the field that broke one.
import { checkId, errors } from '#kit/errors';

/** Target ids per IsFollowing call, and the longest list page. */
export const MAX_IDS_PER_BATCH = 1000;
export const MAX_LIST = 1000;

export { checkId };

/** 0 (unset) means the maximum; more than the maximum is capped to it. */
export function checkLimit(v: number): number {
  if (!Number.isSafeInteger(v) || v < 0) throw errors.invalid('limit', `must be 1–${MAX_LIST}, or 0 for ${MAX_LIST}`);
  return v === 0 ? MAX_LIST : Math.min(v, MAX_LIST);
}

/** The viewer: 0 is a signed-out viewer, who follows nobody. */
export function checkViewer(v: number): number {
  if (v === 0) return 0;
  return checkId('user_id', v);
}

export function checkTargetIds(ids: readonly number[]): number[] {
  if (ids.length > MAX_IDS_PER_BATCH) throw errors.invalid('target_ids', `at most ${MAX_IDS_PER_BATCH} ids per call`);
  return ids.map((id) => checkId('target_ids', id));
}
