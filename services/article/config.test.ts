// The `article` section: its defaults are a valid section, and a blocked word the filter cannot
// match (only invisible characters) is a start-time problem naming the key, not a failure on the
// first article.
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BLOCKED_WORDS, articleConfig, articleConfigProblems, type ArticleConfig } from './config.js';

describe('the article configuration section', () => {
  it('defaults to the default word list, which has no problems', () => {
    const defaults = Value.Default(articleConfig, {}) as ArticleConfig;
    expect(Value.Check(articleConfig, defaults)).toBe(true);
    expect(defaults.blockedWords).toEqual([...DEFAULT_BLOCKED_WORDS]);
    expect(articleConfigProblems(defaults)).toEqual([]);
  });

  it('refuses unknown keys, an empty word and a word past 100 characters', () => {
    expect(Value.Check(articleConfig, { blockedWords: [], words: ['x'] })).toBe(false);
    expect(Value.Check(articleConfig, { blockedWords: [''] })).toBe(false);
    expect(Value.Check(articleConfig, { blockedWords: ['x'.repeat(101)] })).toBe(false);
    expect(Value.Check(articleConfig, { blockedWords: [] })).toBe(true);
  });

  it('names a word of invisible characters alone as a problem of article.blockedWords', () => {
    const problems = articleConfigProblems({ blockedWords: ['ok', '\u200b\u200b'] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^article\.blockedWords: words\[1\]: /);
  });
});
