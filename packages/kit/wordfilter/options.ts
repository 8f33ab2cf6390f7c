// Word filter options: every field optional but the list, defaults filled and checked once.
import { errors } from '#kit/errors';

/**
 * Characters nobody can see: zero-width space, non-joiner and joiner, word joiner, byte-order
 * mark, soft hyphen. Put between letters they dodge a filter without changing what a reader sees,
 * and skipping them cannot join two innocent words into a listed one, so they are skipped by
 * default.
 */
export const INVISIBLE_CHARACTERS = '\u200B\u200C\u200D\u2060\uFEFF\u00AD';

/**
 * Whitespace and punctuation, ASCII and CJK (full-width forms fold to ASCII when normalize is on).
 * Skipping them catches "f.u.c.k" and "法 轮 功", but in Latin text it also joins words across
 * a space ("this hit" reads as "thishit", which holds "shit"), so it is opt-in: pass
 * INVISIBLE_CHARACTERS + SPACES_AND_PUNCTUATION for Chinese-first text such as comments and chat.
 */
export const SPACES_AND_PUNCTUATION =
  ' \t\r\n\u00A0\u3000!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~' + '，。、；：？！…—·“”‘’（）《》〈〉【】「」『』〔〕～';

export interface WordFilterOptions {
  /** Required: the words to find. Duplicates (after normalization) are kept once. */
  words: readonly string[];
  /** Default true: letters match in any case (Latin, and any script with one-to-one lower case). */
  caseInsensitive?: boolean;
  /**
   * Default true: each code point is compared by its compatibility decomposition (Unicode NFKD),
   * so full-width "ＡＢＣ", circled "①", ligature "ﬁ" and a precomposed "é" or "e" + U+0301 match
   * the plain word. Applied per code point, so every match maps back to the original text.
   */
  normalize?: boolean;
  /** Default INVISIBLE_CHARACTERS: characters skipped between the letters of a word (and removed from the words). */
  noise?: string;
  /** Default '*': written once per masked code point. */
  mask?: string;
}

export interface ResolvedWordFilterOptions {
  readonly words: readonly string[];
  readonly caseInsensitive: boolean;
  readonly normalize: boolean;
  readonly noise: string;
  readonly mask: string;
}

export function resolveWordFilterOptions(options: WordFilterOptions): ResolvedWordFilterOptions {
  if (!options || !Array.isArray(options.words)) throw errors.invalid('words', 'is required: a list of words to find');
  options.words.forEach((word, i) => {
    if (typeof word !== 'string' || word === '') throw errors.invalid(`words[${i}]`, 'must be a non-empty string');
  });
  const mask = options.mask ?? '*';
  if (typeof mask !== 'string' || [...mask].length !== 1) throw errors.invalid('mask', 'must be one character');
  const noise = options.noise ?? INVISIBLE_CHARACTERS;
  if (typeof noise !== 'string') throw errors.invalid('noise', 'must be a string of characters');
  return Object.freeze({
    words: Object.freeze([...options.words]),
    caseInsensitive: options.caseInsensitive ?? true,
    normalize: options.normalize ?? true,
    noise,
    mask,
  });
}
