// The qa service's configuration section (`qa`). Schema only: every process loads it.
import type { Static } from 'typebox';
import { settings } from '#kit/service';
import { blockedWordsProblems, blockedWordsSetting } from '#kit/wordfilter';

export { DEFAULT_BLOCKED_WORDS } from '#kit/wordfilter';

export const qaConfig = settings.section({
  /** Words masked with '*' in questions' titles, tags and bodies and in answers before they are stored. */
  blockedWords: blockedWordsSetting(),
});

export type QaConfig = Static<typeof qaConfig>;

/** What the schema cannot say, checked at start (blockedWordsProblems). */
export const qaConfigProblems = (qa: QaConfig): string[] => blockedWordsProblems('qa.blockedWords', qa.blockedWords);
