// Input rules of the feed service: it is reachable over RPC, so it checks its own rules and
// names the field that broke one.
import { checkId, checkLimit as checkListLimit } from '#kit/rules';

export { checkId };

/** Page size of the feed. */
export const PAGE = { byDefault: 20, max: 50 } as const;

/** A new follower of an author finds this many of the author's newest articles in their inbox. */
export const BACKFILL = 20;

/** A page size: 0 = 20, above 50 counts as 50 (#kit/rules). */
export const checkLimit = (v: number) => checkListLimit(v, PAGE);
