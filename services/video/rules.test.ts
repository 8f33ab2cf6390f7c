// The video rules on their own: a title is one line of 1–100 visible characters.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { refusalOf } from '#kit/testing';
import { checkTitle, MAX_TITLE } from './rules.js';

const refusal = (fn: () => unknown): string => refusalOf(fn, Code.InvalidArgument).message;

describe('video title', () => {
  it('is stored trimmed, counted in code points', () => {
    expect(checkTitle('  my clip \n')).toBe('my clip');
    expect(checkTitle('🎬'.repeat(MAX_TITLE))).toHaveLength(2 * MAX_TITLE);
    expect(refusal(() => checkTitle('x'.repeat(MAX_TITLE + 1)))).toBe(`title: must be at most ${MAX_TITLE} characters (got ${MAX_TITLE + 1})`);
  });

  it.each([
    ['empty', '', 'title: must not be empty'],
    ['spaces', '   ', 'title: must hold at least 1 character besides spaces'],
    ['a zero-width space only', '\u200b', 'title: must hold at least 1 character besides spaces'],
    ['a Hangul filler only', '\u3164', 'title: must hold at least 1 character besides spaces'],
    ['a line break inside', 'one\ntwo', 'title: must be one line'],
    ['a tab inside', 'one\ttwo', 'title: must be one line'],
    ['a bell', 'ding\u0007', 'title: must not contain control characters (U+0007)'],
    ['a right-to-left override', 'my clip\u202e4pm.exe', 'title: must not contain bidirectional override'],
    ['a lone surrogate', 'clip \ud83d', 'title: must not contain lone surrogates'],
  ])('refuses %s', (_what, title, message) => {
    expect(refusal(() => checkTitle(title))).toContain(message);
  });
});
