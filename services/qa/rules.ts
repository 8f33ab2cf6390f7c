// Input rules of the qa service. The gateway checks shapes first, but the service is also
// reachable over RPC, so it checks its own rules and names the field that broke one. The bounds
// of a question are the article service's (a title, a Markdown body, tags), each built on the
// shared text and tag rules (#kit/rules).
import { errors } from '#kit/errors';
import { checkId, checkLimit as checkListLimit, checkText, checkTags as checkSharedTags } from '#kit/rules';
import { QUESTION_ORDERS, type QuestionOrder } from './model/lists.js';

export { checkId };

export const MAX_TITLE = 100;
export const MAX_CONTENT = 20_000;
export const MAX_TAGS = 5;
export const MAX_TAG = 20;
export const MAX_QUERY = 50;
/** GetQuestion: answers shown with a question (the accepted one and the best scored). */
export const MAX_ANSWERS_SHOWN = 100;
/** Page sizes of every list. */
export const PAGE = { byDefault: 20, max: 50 } as const;
/** A vote: up, down, or none (removes the caller's vote). */
export const VOTE_VALUES = [1, -1, 0] as const;
export type VoteValue = (typeof VOTE_VALUES)[number];

export const checkTitle = (v: string) => checkText('title', v, { max: MAX_TITLE });
/** A question's or an answer's Markdown body. */
export const checkContent = (v: string) => checkText('content', v, { max: MAX_CONTENT, multiline: true });

/** 0–5 tags of 1–20 characters (#kit/rules checkTags: trimmed, once each, nothing invisible). */
export const checkTags = (tags: readonly string[]): string[] => checkSharedTags(tags, { max: MAX_TAGS, maxChars: MAX_TAG });

/** A reader's id: a user's, or 0 for a signed-out reader. */
export function checkViewer(v: number): number {
  if (v === 0) return 0;
  if (!Number.isSafeInteger(v) || v < 0) throw errors.invalid('viewer_id', 'must be a positive integer id, or 0 for a signed-out reader');
  return v;
}

export function checkOrder(v: string): QuestionOrder {
  if (v === '') return 'newest';
  if (!(QUESTION_ORDERS as readonly string[]).includes(v)) throw errors.invalid('sort', `must be one of ${QUESTION_ORDERS.join(', ')} (or empty for newest)`);
  return v as QuestionOrder;
}

export function checkVote(v: number): VoteValue {
  if (!(VOTE_VALUES as readonly number[]).includes(v)) throw errors.invalid('value', 'must be 1 (up), -1 (down) or 0 (remove my vote)');
  return (v === 0 ? 0 : v) as VoteValue; // -0 is 0
}

/** A page size: 0 = 20, above 50 counts as 50 (#kit/rules). */
export const checkLimit = (v: number) => checkListLimit(v, PAGE);

/** A search: 1–50 characters of one line. */
export const checkQuery = (v: string) => checkText('q', v, { max: MAX_QUERY });
