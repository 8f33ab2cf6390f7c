// The article service's configuration section (`article`). Schema only: every process loads it.
import type { Static } from 'typebox';
import { settings } from '#kit/service';
import { blockedWordsProblems, blockedWordsSetting } from '#kit/wordfilter';

export { DEFAULT_BLOCKED_WORDS } from '#kit/wordfilter';

export const articleConfig = settings.section({
  /** Words masked with '*' in an article's title and body before they are stored. */
  blockedWords: blockedWordsSetting(),
});

export type ArticleConfig = Static<typeof articleConfig>;

/** What the schema cannot say, checked at start (blockedWordsProblems). */
export const articleConfigProblems = (article: ArticleConfig): string[] => blockedWordsProblems('article.blockedWords', article.blockedWords);
