// Input rules of the interaction service. The gateway checks shapes first, but the service is
// also reachable over RPC, so it checks its own rules and names the field that broke one.
// Whether a video exists is the gateway's question (it asks the video service first): here an
// id only has to be a positive integer.
import { checkId, checkIds, checkLimit as checkListLimit, checkText } from '#kit/rules';

/** Most ids one IsFavorite call may ask about. */
export const MAX_IDS_PER_BATCH = 1000;
/** Most items one list call returns, and what limit 0 (unset) means. */
export const MAX_LIST = 1000;
export const MAX_COMMENT_CHARS = 1000;

export { checkId };

/** 0 (unset) → MAX_LIST; above MAX_LIST is capped, not refused: the contract promises "at most" (#kit/rules). */
export function checkLimit(v: number): number {
  return checkListLimit(v, { max: MAX_LIST });
}

/** A comment as stored: 1–1000 characters after trimming (code points), lines allowed. */
export function checkContent(v: string): string {
  return checkText('content', v, { max: MAX_COMMENT_CHARS, multiline: true });
}

/** Order and repeats kept: the answer has one flag per id asked. */
export function checkVideoIds(ids: readonly number[]): readonly number[] {
  return checkIds('video_ids', ids, { max: MAX_IDS_PER_BATCH });
}
