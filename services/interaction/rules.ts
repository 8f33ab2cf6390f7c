// Input rules of the interaction service. The gateway checks shapes first, but the service is
// also reachable over RPC, so it checks its own rules and names the field that broke one.
import { errors } from '#kit/errors';
import { checkId, checkIds, checkLimit as checkListLimit, checkText } from '#kit/rules';

/** Most ids one IsFavorite call may ask about. */
export const MAX_IDS_PER_BATCH = 1000;
/** Most targets one GetTargetStates call may ask about: a page of a list, with room to spare. */
export const MAX_TARGETS_PER_BATCH = 100;
/** Most items one Douyin list call returns, and what limit 0 (unset) means. */
export const MAX_LIST = 1000;
/** A page of comments: limit 0 (unset) means DEFAULT_PAGE, more than MAX_PAGE counts as MAX_PAGE. */
export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 50;
export const MAX_COMMENT_CHARS = 1000;

/** The businesses whose targets can be liked and commented on: each has a service that says which targets exist and who owns them (targets.ts). */
export const BUSINESSES = ['video', 'article', 'question'] as const;
export type Biz = (typeof BUSINESSES)[number];

export { checkId };

/** 0 (unset) → MAX_LIST; above MAX_LIST is capped, not refused: the contract promises "at most" (#kit/rules). */
export function checkLimit(v: number): number {
  return checkListLimit(v, { max: MAX_LIST });
}

/** A page size: 0 → DEFAULT_PAGE, above MAX_PAGE capped. */
export function checkPageLimit(v: number): number {
  return checkListLimit(v, { max: MAX_PAGE, byDefault: DEFAULT_PAGE });
}

/** A comment as stored: 1–1000 characters after trimming (code points), lines allowed. */
export function checkContent(v: string): string {
  return checkText('content', v, { max: MAX_COMMENT_CHARS, multiline: true });
}

/** Order and repeats kept: the answer has one flag per id asked. */
export function checkVideoIds(ids: readonly number[]): readonly number[] {
  return checkIds('video_ids', ids, { max: MAX_IDS_PER_BATCH });
}

export function checkTargetIds(ids: readonly number[]): readonly number[] {
  return checkIds('target_ids', ids, { max: MAX_TARGETS_PER_BATCH });
}

export function checkBiz(v: string): Biz {
  if (!(BUSINESSES as readonly string[]).includes(v)) throw errors.invalid('biz', `must be one of ${BUSINESSES.join(', ')}`);
  return v as Biz;
}

/** A viewer: a user id, or 0 for someone not signed in. */
export function checkViewer(v: number, field = 'user_id'): number {
  if (!Number.isSafeInteger(v) || v < 0) throw errors.invalid(field, 'must be a positive integer id, or 0 for a signed-out viewer');
  return v;
}
