// The profile text rules of the user service: a name is one line of 1–32 visible characters; a
// signature is up to 256 characters on several lines, and may be cleared.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { refusalOf } from '#kit/testing';
import { checkName, checkSignature } from './rules.js';

const refusal = (fn: () => unknown): string => refusalOf(fn, Code.InvalidArgument).message;

describe('name', () => {
  it('is stored trimmed, counted in code points', () => {
    expect(checkName(' 鲍勃 🚀 ')).toBe('鲍勃 🚀');
    expect(checkName('😀'.repeat(32))).toHaveLength(64);
    expect(refusal(() => checkName('n'.repeat(33)))).toBe('name: must be at most 32 characters (got 33)');
  });

  it.each([
    ['empty', '', 'name: must not be empty'],
    ['spaces', '   ', 'name: must hold at least 1 character besides spaces'],
    ['only a Hangul filler', '\u3164', 'name: must hold at least 1 character besides spaces'],
    ['only Braille blanks', '\u2800\u2800', 'name: must hold at least 1 character besides spaces'],
    ['only zero-width joiners', '\u200d\u200d', 'name: must hold at least 1 character besides spaces'],
    ['a bell', 'bob\u0007', 'name: must not contain control characters (U+0007)'],
    ['a line break', 'bob\nadmin', 'name: must be one line'],
    ['a right-to-left override', 'bob\u202enimda', 'name: must not contain bidirectional override'],
    ['a lone surrogate', 'bob\ud800', 'name: must not contain lone surrogates'],
  ])('refuses %s', (_what, name, message) => {
    expect(refusal(() => checkName(name))).toContain(message);
  });
});

describe('signature', () => {
  it('is stored trimmed, may hold lines, and may be cleared', () => {
    expect(checkSignature('')).toBe('');
    expect(checkSignature('   ')).toBe('');
    expect(checkSignature(' line one\nline two ')).toBe('line one\nline two');
    expect(checkSignature('s'.repeat(256))).toHaveLength(256);
    expect(refusal(() => checkSignature('s'.repeat(257)))).toBe('signature: must be at most 256 characters (got 257)');
  });

  it.each([
    ['only a zero-width space', '\u200b', 'signature: must hold at least 1 character besides spaces'],
    ['an escape', 'hi\u001b[2J', 'signature: must not contain control characters (U+001B)'],
    ['a left-to-right override', 'hi\u202d', 'signature: must not contain bidirectional override'],
    ['a lone surrogate', '\udfff', 'signature: must not contain lone surrogates'],
  ])('refuses %s', (_what, signature, message) => {
    expect(refusal(() => checkSignature(signature))).toContain(message);
  });
});
