// The interaction rules on their own: a comment is 1–1000 visible characters, lines allowed.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { refusalOf } from '#kit/testing';
import { checkContent, MAX_COMMENT_CHARS } from './rules.js';

const refusal = (fn: () => unknown): string => refusalOf(fn, Code.InvalidArgument).message;

describe('comment content', () => {
  it('is stored trimmed, may hold lines and tabs, counted in code points', () => {
    expect(checkContent('  nice!\r\n\tsecond line \n')).toBe('nice!\n\tsecond line');
    expect(checkContent('👍'.repeat(MAX_COMMENT_CHARS))).toHaveLength(2 * MAX_COMMENT_CHARS);
    expect(checkContent('\u200b\u200bhi')).toBe('\u200b\u200bhi');
    expect(refusal(() => checkContent('c'.repeat(MAX_COMMENT_CHARS + 1)))).toBe(`content: must be at most ${MAX_COMMENT_CHARS} characters (got ${MAX_COMMENT_CHARS + 1})`);
  });

  it.each([
    ['empty', '', 'content: must not be empty'],
    ['spaces and newlines', ' \n\t ', 'content: must hold at least 1 character besides spaces'],
    ['only U+200B', '\u200b', 'content: must hold at least 1 character besides spaces'],
    ['only a variation selector', '\ufe0f', 'content: must hold at least 1 character besides spaces'],
    ['an escape sequence', 'red \u001b[31m', 'content: must not contain control characters (U+001B)'],
    ['a NUL', 'a\u0000b', 'content: must not contain control characters (U+0000)'],
    ['a C1 control', 'a\u009bb', 'content: must not contain control characters (U+009B)'],
    ['a right-to-left isolate', 'first \u2067', 'content: must not contain bidirectional override, embedding or isolate characters (U+2067)'],
    ['a lone surrogate', '\udc00', 'content: must not contain lone surrogates'],
  ])('refuses %s', (_what, content, message) => {
    expect(refusal(() => checkContent(content))).toContain(message);
  });
});
