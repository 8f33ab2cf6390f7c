// The rule for text a person writes (names, titles, comments, messages, signatures), checked the
// same way wherever it arrives: trimmed, counted in code points, and refused when it holds
// characters that are not text (characters.ts says which and why) or nothing a reader can see.
import { Code, SurgeError, errors } from '#kit/errors';
import { BIDI_CONTROL, CONTROL, LINE_BREAK, INVISIBLE, LONE_SURROGATE, UNICODE_LINE_BREAK, VISIBLE, codePointName, countCodePoints } from './characters.js';

export interface TextRule {
  /**
   * Fewest characters after trimming. Default 1: the field must say something visible.
   * 0 lets a person clear the field (a signature), and then text of spaces alone is stored as "".
   */
  readonly min?: number;
  /** Most characters after trimming, counted as code points (an emoji is one). */
  readonly max: number;
  /**
   * Whether the text may hold lines: newline (\n, with \r\n stored as \n) and tab. Default false:
   * one-line fields (a name, a title) are shown on one line, where a break or tab has no place.
   */
  readonly multiline?: boolean;
}

const BESIDES_SPACES = 'must hold at least 1 character besides spaces and invisible characters';

/**
 * The value as it is stored: trimmed (and with \r\n as \n in multi-line text). Throws
 * InvalidArgument naming the field and what was wrong; the refused character is named by its
 * code point, never echoed.
 */
export function checkText(field: string, value: string, rule: TextRule): string {
  const min = rule.min ?? 1;
  const multiline = rule.multiline === true;
  checkRule(field, min, rule.max);
  if (value === '' && min > 0) throw errors.invalid(field, 'must not be empty');
  const text = (multiline ? value.replaceAll('\r\n', '\n') : value).trim();

  // Length first: it bounds the work the character checks do on a value that is refused anyway.
  const n = countCodePoints(text);
  if (n > rule.max) throw errors.invalid(field, `must be at most ${rule.max} characters (got ${n})`);

  if (LONE_SURROGATE.test(text)) throw errors.invalid(field, 'must not contain lone surrogates (text that is not well-formed UTF-16)');
  if (multiline) {
    const separator = UNICODE_LINE_BREAK.exec(text);
    if (separator) throw errors.invalid(field, `must break lines with \\n only (${codePointName(separator[0])})`);
  } else if (LINE_BREAK.test(text)) {
    throw errors.invalid(field, 'must be one line (no line breaks or tabs)');
  }
  const control = CONTROL.exec(text);
  if (control) throw errors.invalid(field, `must not contain control characters (${codePointName(control[0])})`);
  const bidi = BIDI_CONTROL.exec(text);
  if (bidi) throw errors.invalid(field, `must not contain bidirectional override, embedding or isolate characters (${codePointName(bidi[0])})`);

  if (text === '' && min === 0) return text;
  if (!VISIBLE.test(text)) throw errors.invalid(field, BESIDES_SPACES);
  if (n < min) throw errors.invalid(field, `must be at least ${min} ${min === 1 ? 'character' : 'characters'} (got ${n})`);
  return text;
}

/** A rule no text can meet is the caller's bug: refused on its first use, whatever the value. */
function checkRule(field: string, min: number, max: number): void {
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min < 0 || max < 1 || min > max) {
    throw new SurgeError(Code.Internal, `the text rule for ${field} cannot be met: min ${min}, max ${max} (want 0 ≤ min ≤ max, max ≥ 1)`);
  }
}

/**
 * The first character of `text` a reader cannot see (default-ignorable code points, U+2800),
 * named as "U+XXXX"; undefined when there is none. For identifiers, where such a character makes
 * two names that look the same ("alice" and "alice" + U+3164).
 */
export function invisibleIn(text: string): string | undefined {
  const hidden = INVISIBLE.exec(text);
  return hidden === null ? undefined : codePointName(hidden[0]);
}
