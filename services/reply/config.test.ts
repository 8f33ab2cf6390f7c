// The `reply` section: its defaults are a valid section, and a blocked word the filter cannot
// match (only invisible characters) is a start-time problem naming the key, not a failure on the
// first review.
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BLOCKED_WORDS, replyConfig, replyConfigProblems, type ReplyConfig } from './config.js';

describe('the reply configuration section', () => {
  it('defaults to the default word list, which has no problems', () => {
    const defaults = Value.Default(replyConfig, {}) as ReplyConfig;
    expect(Value.Check(replyConfig, defaults)).toBe(true);
    expect(defaults.blockedWords).toEqual([...DEFAULT_BLOCKED_WORDS]);
    expect(replyConfigProblems(defaults)).toEqual([]);
  });

  it('refuses unknown keys, an empty word and a word past 100 characters', () => {
    expect(Value.Check(replyConfig, { blockedWords: [], words: ['x'] })).toBe(false);
    expect(Value.Check(replyConfig, { blockedWords: [''] })).toBe(false);
    expect(Value.Check(replyConfig, { blockedWords: ['x'.repeat(101)] })).toBe(false);
    expect(Value.Check(replyConfig, { blockedWords: [] })).toBe(true);
  });

  it('names a word of invisible characters alone as a problem of reply.blockedWords', () => {
    const problems = replyConfigProblems({ blockedWords: ['ok', '\u200b\u200b'] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^reply\.blockedWords: words\[1\]: /);
  });
});
