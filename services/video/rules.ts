// Input rules of the video service. The gateway checks shapes first, but the service is also
// reachable over RPC, so it checks its own rules and names the field that broke one.
import { errors } from '#kit/errors';
import { checkId, checkLimit as checkListLimit, checkText } from '#kit/rules';

export const MAX_TITLE = 100;
export const MAX_PLAY_KEY = 512;

export { checkId };

/** The title as stored: one line of 1–100 characters after trimming, something visible among them. */
export function checkTitle(v: string): string {
  return checkText('title', v, { max: MAX_TITLE });
}

export function checkPlayKey(v: string): string {
  if (v.length === 0 || v.length > MAX_PLAY_KEY) throw errors.invalid('play_key', `must be the blob key of the upload, 1–${MAX_PLAY_KEY} characters`);
  return v;
}

/** A page size: 0 means the default, above the maximum is clamped, negative is refused (#kit/rules). */
export function checkLimit(v: number, byDefault: number, max: number): number {
  return checkListLimit(v, { max, byDefault });
}

/** A feed cursor: ms since the epoch, 0 for the newest. */
export function checkBefore(v: number): number {
  if (!Number.isSafeInteger(v) || v < 0) throw errors.invalid('before', 'must be a time in ms since the epoch, or 0 for the newest');
  return v;
}
