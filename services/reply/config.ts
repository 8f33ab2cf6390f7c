// The reply service's configuration section (`reply`). Schema only: every process loads it.
import type { Static } from 'typebox';
import { settings } from '#kit/service';
import { blockedWordsProblems, blockedWordsSetting } from '#kit/wordfilter';

export { DEFAULT_BLOCKED_WORDS } from '#kit/wordfilter';

export const replyConfig = settings.section({
  /** Words masked with '*' in a review's content before it is stored. */
  blockedWords: blockedWordsSetting(),
});

export type ReplyConfig = Static<typeof replyConfig>;

/** What the schema cannot say, checked at start (blockedWordsProblems). */
export const replyConfigProblems = (reply: ReplyConfig): string[] => blockedWordsProblems('reply.blockedWords', reply.blockedWords);
