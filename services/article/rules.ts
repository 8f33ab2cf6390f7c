// Input rules of the article service. The gateway checks shapes first, but the service is also
// reachable over RPC, so it checks its own rules and names the field that broke one.
import { errors } from '#kit/errors';
import { checkId, checkIds, checkLimit as checkListLimit, checkText, checkTags as checkSharedTags } from '#kit/rules';
import { AUTHOR_ORDERS, type AuthorOrder } from './model/lists.js';

export { checkId, checkIds };

export const MAX_TITLE = 100;
export const MAX_CONTENT = 20_000;
export const MAX_TAGS = 5;
export const MAX_TAG = 20;
export const MAX_COVER_URL = 512;
export const MAX_QUERY = 50;
/** GetArticles: ids per call. */
export const MAX_BATCH = 100;
/** Page sizes of every list. */
export const PAGE = { byDefault: 20, max: 50 } as const;

const COVER_URL = /^(https?:\/\/[^\s/]+|\/(?!\/))[^\s]*$/;

export const checkTitle = (v: string) => checkText('title', v, { max: MAX_TITLE });
export const checkContent = (v: string) => checkText('content', v, { max: MAX_CONTENT, multiline: true });

/** "" (no cover) or an http(s) URL or a path from /; whether it is an uploaded image is the gateway's question. */
export function checkCoverUrl(v: string): string {
  if (v === '') return v;
  if (v.length > MAX_COVER_URL || !COVER_URL.test(v)) throw errors.invalid('cover_url', `must be "" or an http(s) URL or a path from /, at most ${MAX_COVER_URL} characters`);
  return v;
}

/** 0–5 tags of 1–20 characters (#kit/rules checkTags: trimmed, once each, nothing invisible). */
export const checkTags = (tags: readonly string[]): string[] => checkSharedTags(tags, { max: MAX_TAGS, maxChars: MAX_TAG });

export function checkOrder(v: string): AuthorOrder {
  if (v === '') return 'newest';
  if (!(AUTHOR_ORDERS as readonly string[]).includes(v)) throw errors.invalid('sort', `must be one of ${AUTHOR_ORDERS.join(', ')} (or empty for newest)`);
  return v as AuthorOrder;
}

/** A page size: 0 = 20, above 50 counts as 50 (#kit/rules). */
export const checkLimit = (v: number) => checkListLimit(v, PAGE);

/** A search: 1–50 characters of one line. */
export const checkQuery = (v: string) => checkText('q', v, { max: MAX_QUERY });
