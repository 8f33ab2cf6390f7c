// Input rules of the interaction service. The gateway checks shapes first, but the service is
// also reachable over RPC, so it checks its own rules and names the field that broke one.
// Whether a video exists is the gateway's question (it asks the video service first): here an
// id only has to be a positive integer.
import { checkId, errors } from '#kit/errors';
import { checkText } from '#kit/rules';

/** Most ids one IsFavorite call may ask about. */
export const MAX_IDS_PER_BATCH = 1000;
/** Most items one list call returns, and what limit 0 (unset) means. */
export const MAX_LIST = 1000;
export const MAX_COMMENT_CHARS = 1000;

export { checkId };

/** 0 (unset) → MAX_LIST; above MAX_LIST is capped, not refused: the contract promises "at most". */
export function checkLimit(v: number): number {
  if (!Number.isSafeInteger(v) || v < 0) throw errors.invalid('limit', `must be 0 (default ${MAX_LIST}) or a positive integer`);
  return v === 0 ? MAX_LIST : Math.min(v, MAX_LIST);
}

/** A comment as stored: 1–1000 characters after trimming (code points), lines allowed. */
export function checkContent(v: string): string {
  return checkText('content', v, { max: MAX_COMMENT_CHARS, multiline: true });
}

export function checkVideoIds(ids: readonly number[]): readonly number[] {
  if (ids.length > MAX_IDS_PER_BATCH) throw errors.invalid('video_ids', `at most ${MAX_IDS_PER_BATCH} ids per call`);
  for (const id of ids) checkId('video_ids', id);
  return ids;
}
