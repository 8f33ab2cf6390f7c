// Input rules of the message service. The gateway checks shapes first, but the service is also
// reachable over RPC, so it checks its own rules and names the field that broke one.
import { errors } from '#kit/errors';
import { checkId, checkIds, checkText } from '#kit/rules';

export const MAX_CONTENT_CHARS = 1000;
/** Peers per Latest call, and messages per Chat page. */
export const MAX_IDS_PER_BATCH = 1000;
export const MAX_MESSAGES_PER_CHAT = 1000;

export { checkId };

/** The other side of a conversation: a positive id that is not the user's own. */
export function checkPeer(field: string, v: number, userId: number, problem: string): number {
  checkId(field, v);
  if (v === userId) throw errors.invalid(field, problem);
  return v;
}

/** A message as stored: 1–1000 characters after trimming (code points, as people count them), lines allowed. */
export function checkContent(v: string): string {
  return checkText('content', v, { max: MAX_CONTENT_CHARS, multiline: true });
}

export function checkAfter(v: number): number {
  if (!Number.isSafeInteger(v) || v < 0) throw errors.invalid('after', 'must be a time in ms since the epoch, or 0 for the whole conversation');
  return v;
}

/** Repeats folded: one latest message per peer. */
export function checkPeerIds(ids: readonly number[]): number[] {
  return checkIds('peer_ids', ids, { max: MAX_IDS_PER_BATCH, unique: true });
}
