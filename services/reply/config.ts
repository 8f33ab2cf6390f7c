// The reply service's configuration section (`reply`). Schema only: every process loads it.
import { Type, type Static } from 'typebox';
import { SurgeError } from '#kit/errors';
import { settings } from '#kit/service';
import { createWordFilter } from '#kit/wordfilter';

/** Most words the filter is given: the automaton is built once per process, and a list past this is a mistake. */
export const BLOCKED_WORDS_CEILING = 10_000;

/**
 * The default list: a few words no shop wants on a product page, in English and Chinese. Sites
 * keep their own list in the config file; [] turns masking off.
 */
export const DEFAULT_BLOCKED_WORDS = ['fuck', 'shit', 'bitch', '傻逼', '操你妈', '他妈的'] as const;

export const replyConfig = settings.section({
  /**
   * Words masked with '*' in a review's content before it is stored (#kit/wordfilter: any case,
   * full-width and other compatibility forms, invisible characters between letters).
   */
  blockedWords: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { default: [...DEFAULT_BLOCKED_WORDS], maxItems: BLOCKED_WORDS_CEILING }),
});

export type ReplyConfig = Static<typeof replyConfig>;

/**
 * What the schema cannot say: each word must leave something to match once the filter drops its
 * invisible characters (a word of only U+200B would match nothing). Checked at start, so the
 * module never fails on its first review instead.
 */
export function replyConfigProblems(reply: ReplyConfig): string[] {
  try {
    createWordFilter({ words: reply.blockedWords });
    return [];
  } catch (err) {
    const why = err instanceof SurgeError ? err.message : String(err);
    return [`reply.blockedWords: ${why}; remove the word or write it with visible letters`];
  }
}
