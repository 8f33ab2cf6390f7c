// The text rule, one row per kind of character: what it accepts (and stores), and what it
// refuses with which words. Every refusal is InvalidArgument naming the field.
import { describe, expect, it } from 'vitest';
import { Code, SurgeError } from '#kit/errors';
import { checkText, type TextRule } from '#kit/rules';

const LINE: TextRule = { max: 10 };
const LINES: TextRule = { max: 10, multiline: true };
const OPTIONAL: TextRule = { min: 0, max: 10, multiline: true };

describe('checkText accepts, and stores', () => {
  it.each([
    ['plain text', LINE, 'hello', 'hello'],
    ['trimmed at both ends', LINE, '  hello \n', 'hello'],
    ['CJK and emoji, counted as code points', LINE, '鲍勃 🚀😀', '鲍勃 🚀😀'],
    ['10 emoji (20 UTF-16 units) at max 10', LINE, '😀'.repeat(10), '😀'.repeat(10)],
    ['10 characters after trimming', LINE, `   ${'x'.repeat(10)}   `, 'x'.repeat(10)],
    ['a family emoji joined by U+200D', LINE, '👨\u200d👩\u200d👧', '👨\u200d👩\u200d👧'],
    ['a ZWNJ inside Persian', LINE, 'می\u200cخواهم', 'می\u200cخواهم'],
    ['a variation selector after a character', LINE, '❤\ufe0f', '❤\ufe0f'],
    ['a left-to-right mark (U+200E) between scripts', LINE, 'abc\u200e(1)', 'abc\u200e(1)'],
    ['a right-to-left mark (U+200F) in Hebrew', LINE, 'שלום\u200f!', 'שלום\u200f!'],
    ['no-break and ideographic spaces inside', LINE, 'a\u00a0b\u3000c', 'a\u00a0b\u3000c'],
    ['newline and tab in multi-line text', LINES, 'a\n\tb', 'a\n\tb'],
    ['CRLF stored as LF in multi-line text', LINES, 'a\r\nb', 'a\nb'],
    ['empty where min is 0', OPTIONAL, '', ''],
    ['spaces only where min is 0: cleared', OPTIONAL, '  \n ', ''],
  ] as const)('%s', (_what, rule, value, stored) => {
    expect(checkText('field', value, rule)).toBe(stored);
  });
});

describe('checkText refuses, naming the field', () => {
  it.each([
    // Length, in code points after trimming.
    ['empty', LINE, '', 'must not be empty'],
    ['11 characters', LINE, 'x'.repeat(11), 'must be at most 10 characters (got 11)'],
    ['11 emoji', LINE, '😀'.repeat(11), 'must be at most 10 characters (got 11)'],
    ['fewer than min', { min: 3, max: 5 }, '😀😀', 'must be at least 3 characters (got 2)'],
    // Control characters: C0 (but \n and \t where multi-line), DEL, C1.
    ['NUL', LINES, 'a\u0000b', 'must not contain control characters (U+0000)'],
    ['BEL', LINE, 'a\u0007b', 'must not contain control characters (U+0007)'],
    ['ESC (terminal escapes)', LINES, 'a\u001b[31mb', 'must not contain control characters (U+001B)'],
    ['a lone CR', LINES, 'a\rb', 'must not contain control characters (U+000D)'],
    ['a vertical tab', LINES, 'a\u000bb', 'must not contain control characters (U+000B)'],
    ['DEL', LINES, 'a\u007fb', 'must not contain control characters (U+007F)'],
    ['a C1 control (NEL)', LINES, 'a\u0085b', 'must not contain control characters (U+0085)'],
    ['a C1 control (CSI)', LINE, 'a\u009bb', 'must not contain control characters (U+009B)'],
    // One-line fields.
    ['a newline in one-line text', LINE, 'a\nb', 'must be one line (no line breaks or tabs)'],
    ['a tab in one-line text', LINE, 'a\tb', 'must be one line (no line breaks or tabs)'],
    ['CRLF in one-line text', LINE, 'a\r\nb', 'must be one line (no line breaks or tabs)'],
    ['a lone CR in one-line text', LINE, 'a\rb', 'must be one line (no line breaks or tabs)'],
    ['a line separator in one-line text', LINE, 'a\u2028b', 'must be one line (no line breaks or tabs)'],
    ['a line separator in multi-line text', LINES, 'a\u2028b', 'must break lines with \\n only (U+2028)'],
    ['a paragraph separator in multi-line text', LINES, 'a\u2029b', 'must break lines with \\n only (U+2029)'],
    // Bidirectional formatting that reorders what follows it.
    ...[0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069].map((cp) => {
      const hex = cp.toString(16).toUpperCase();
      return [`U+${hex}`, LINE, `a${String.fromCodePoint(cp)}gpj.exe`, `must not contain bidirectional override, embedding or isolate characters (U+${hex})`] as const;
    }),
    // Not well-formed UTF-16.
    ['a lone high surrogate', LINES, 'a\ud800b', 'must not contain lone surrogates (text that is not well-formed UTF-16)'],
    ['a lone low surrogate', LINES, 'a\udc00', 'must not contain lone surrogates (text that is not well-formed UTF-16)'],
    ['a reversed pair', LINES, '\ude00\ud83d', 'must not contain lone surrogates (text that is not well-formed UTF-16)'],
    // Nothing a reader can see.
    ...[
      ['spaces', '   '],
      ['newlines and tabs', ' \t\n '],
      ['U+200B zero-width space', '\u200b'],
      ['U+200C zero-width non-joiner', '\u200c\u200c'],
      ['U+200D zero-width joiner', '\u200d'],
      ['U+2060 word joiner', '\u2060'],
      ['U+FEFF byte-order mark', '\ufeff'],
      ['U+3164 Hangul filler', '\u3164'],
      ['U+FFA0 halfwidth Hangul filler', '\uffa0'],
      ['U+115F and U+1160 Hangul fillers', '\u115f\u1160'],
      ['a variation selector alone', '\ufe0f'],
      ['U+00AD soft hyphen', '\u00ad'],
      ['U+034F combining grapheme joiner', '\u034f'],
      ['U+180E Mongolian vowel separator', '\u180e'],
      ['U+2800 Braille blank', '\u2800\u2800'],
      ['U+200E and U+200F marks alone', '\u200e\u200f'],
      ['a tag character', '\u{e0041}'],
      ['a mix', ' \u200b\u3000\u2060\ufeff '],
    ].map(([what, value]) => [`only ${what}`, LINES, value!, 'must hold at least 1 character besides spaces and invisible characters'] as const),
  ] as const)('%s', (_what, rule, value, problem) => {
    let caught: unknown;
    try {
      checkText('content', value, rule);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SurgeError);
    const e = caught as SurgeError;
    expect(e.code).toBe(Code.InvalidArgument);
    expect(e.details).toEqual({ field: 'content' });
    expect(e.message).toBe(`content: ${problem}`);
  });

  it('never echoes the refused character itself', () => {
    for (const bad of ['\u0007', '\u202e', '\u001b', '\ud800']) {
      try {
        checkText('name', `a${bad}b`, LINE);
      } catch (err) {
        expect((err as Error).message).not.toContain(bad);
        continue;
      }
      throw new Error(`expected a refusal of U+${bad.charCodeAt(0).toString(16)}`);
    }
  });
});

describe('checkText settings', () => {
  it('refuses a rule that cannot be met, at once', () => {
    for (const rule of [{ max: 0 }, { min: 5, max: 4 }, { min: -1, max: 3 }, { max: 1.5 }]) {
      expect(() => checkText('x', 'a', rule), JSON.stringify(rule)).toThrow(/rule/);
    }
  });
});
