// Input rules of the relation service. The gateway checks shapes first, but the service is also
// reachable over RPC, so it checks its own rules and names the field that broke one.
import { checkId, checkIds, checkLimit as checkListLimit } from '#kit/rules';

/** Target ids per IsFollowing call, and the longest list page. */
export const MAX_IDS_PER_BATCH = 1000;
export const MAX_LIST = 1000;
/** Page sizes of the paged lists (ListFollowersPage, ListFollowingPage). */
export const PAGE = { byDefault: 20, max: 50 } as const;

export { checkId };

/** 0 (unset) means the maximum; more than the maximum is capped to it (#kit/rules). */
export function checkLimit(v: number): number {
  return checkListLimit(v, { max: MAX_LIST });
}

/** A page size: 0 = 20, above 50 counts as 50, negative is refused (#kit/rules). */
export function checkPageLimit(v: number): number {
  return checkListLimit(v, PAGE);
}

/** The viewer: 0 is a signed-out viewer, who follows nobody. */
export function checkViewer(v: number): number {
  if (v === 0) return 0;
  return checkId('user_id', v);
}

/** Order and repeats kept: the answer has one flag per id asked. */
export function checkTargetIds(ids: readonly number[]): number[] {
  return checkIds('target_ids', ids, { max: MAX_IDS_PER_BATCH });
}
