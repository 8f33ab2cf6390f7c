// Input rules of the notification service. The gateway checks shapes first, but the service is
// also reachable over RPC, so it checks its own rules and names the field that broke one.
import { errors } from '#kit/errors';
import { checkId, checkIds, checkLimit as checkListLimit, checkText } from '#kit/rules';

export { checkId };

/** MarkRead: notification ids per call (the route's bound too). */
export const MAX_MARK_READ = 100;
/** SendSystem: recipients per call. */
export const MAX_RECIPIENTS = 1000;
export const MAX_TITLE = 100;
export const MAX_BODY = 2000;
/** Page sizes of the list. */
export const PAGE = { byDefault: 20, max: 50 } as const;

/** A page size: 0 = 20, above 50 counts as 50 (#kit/rules). */
export const checkLimit = (v: number) => checkListLimit(v, PAGE);

/** 1–100 notification ids, each once. */
export const checkMarkIds = (ids: readonly number[]) => checkIds('ids', nonEmpty('ids', ids), { max: MAX_MARK_READ, unique: true });

/** 1–1000 recipients, each once. */
export const checkRecipients = (ids: readonly number[]) => checkIds('user_ids', nonEmpty('user_ids', ids), { max: MAX_RECIPIENTS, unique: true });

export const checkTitle = (v: string) => checkText('title', v, { max: MAX_TITLE });
export const checkBody = (v: string) => checkText('body', v, { max: MAX_BODY, multiline: true });

function nonEmpty(field: string, ids: readonly number[]): readonly number[] {
  if (ids.length === 0) throw errors.invalid(field, 'must name at least one id');
  return ids;
}
