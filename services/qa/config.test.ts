// The `qa` section: its defaults are a valid section, and a blocked word the filter cannot match
// (only invisible characters) is a start-time problem naming the key, not a failure on the first
// question.
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BLOCKED_WORDS, qaConfig, qaConfigProblems, type QaConfig } from './config.js';

describe('the qa configuration section', () => {
  it('defaults to the default word list, which has no problems', () => {
    const defaults = Value.Default(qaConfig, {}) as QaConfig;
    expect(Value.Check(qaConfig, defaults)).toBe(true);
    expect(defaults.blockedWords).toEqual([...DEFAULT_BLOCKED_WORDS]);
    expect(qaConfigProblems(defaults)).toEqual([]);
  });

  it('refuses unknown keys, an empty word and a word past 100 characters', () => {
    expect(Value.Check(qaConfig, { blockedWords: [], words: ['x'] })).toBe(false);
    expect(Value.Check(qaConfig, { blockedWords: [''] })).toBe(false);
    expect(Value.Check(qaConfig, { blockedWords: ['x'.repeat(101)] })).toBe(false);
    expect(Value.Check(qaConfig, { blockedWords: [] })).toBe(true);
  });

  it('names a word of invisible characters alone as a problem of qa.blockedWords', () => {
    const problems = qaConfigProblems({ blockedWords: ['ok', '\u200b\u200b'] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^qa\.blockedWords: words\[1\]: /);
  });
});
