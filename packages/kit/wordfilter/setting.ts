// The `blockedWords` setting, as every service that masks user text declares it: the same
// schema, default list and start-up check, so a site configures reviews and chat rooms alike.
import { Type } from 'typebox';
import { SurgeError } from '#kit/errors';
import { createWordFilter } from './filter.js';

/** Most words the filter is given: the automaton is built once per process, and a list past this is a mistake. */
export const BLOCKED_WORDS_CEILING = 10_000;

/**
 * The default list: a few words no community or shop wants shown, in English and Chinese. Sites
 * keep their own list in the config file; [] turns masking off.
 */
export const DEFAULT_BLOCKED_WORDS = ['fuck', 'shit', 'bitch', '傻逼', '操你妈', '他妈的'] as const;

/**
 * The schema of a section's blockedWords: words masked with '*' before the text is stored (any
 * case, full-width and other compatibility forms, invisible characters between letters).
 */
export const blockedWordsSetting = () =>
  Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { default: [...DEFAULT_BLOCKED_WORDS], maxItems: BLOCKED_WORDS_CEILING });

/**
 * What the schema cannot say: each word must leave something to match once the filter drops its
 * invisible characters (a word of only U+200B would match nothing). Checked at start, so a
 * service never fails on its first text instead. `path` names the setting: "reply.blockedWords".
 */
export function blockedWordsProblems(path: string, words: readonly string[]): string[] {
  try {
    createWordFilter({ words });
    return [];
  } catch (err) {
    const why = err instanceof SurgeError ? err.message : String(err);
    return [`${path}: ${why}; remove the word or write it with visible letters`];
  }
}
