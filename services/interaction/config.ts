// The interaction service's configuration section (`interaction`). Schema only: every process loads it.
import type { Static } from 'typebox';
import { settings } from '#kit/service';
import { blockedWordsProblems, blockedWordsSetting } from '#kit/wordfilter';

export const interactionConfig = settings.section({
  /** Words masked with '*' in comments before they are stored, on videos and everything else. */
  blockedWords: blockedWordsSetting(),
});

export type InteractionConfig = Static<typeof interactionConfig>;

/** What the schema cannot say, checked at start (blockedWordsProblems). */
export const interactionConfigProblems = (interaction: InteractionConfig): string[] => blockedWordsProblems('interaction.blockedWords', interaction.blockedWords);
