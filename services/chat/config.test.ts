// The `chat` section: its defaults are a valid section, its bounds are refused past either end,
// and a blocked word the filter cannot match (only invisible characters) is a start-time problem
// naming the key, not a failure on the first message.
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { chatConfig, chatConfigProblems, DEFAULT_BLOCKED_WORDS, MESSAGE_CHARS_CEILING, type ChatConfig } from './config.js';

const defaults = Value.Default(chatConfig, {}) as ChatConfig;

describe('the chat configuration section', () => {
  it('defaults to the default word list and the documented bounds, which have no problems', () => {
    expect(Value.Check(chatConfig, defaults)).toBe(true);
    expect(defaults).toEqual({ blockedWords: [...DEFAULT_BLOCKED_WORDS], recoveryLimit: 500, maxMessageChars: 2000, maxRoomsPerUser: 20, maxMembersPerRoom: 1000 });
    expect(chatConfigProblems(defaults)).toEqual([]);
  });

  it.each<[keyof ChatConfig, number, number]>([
    ['recoveryLimit', 1, 100_000],
    ['maxMessageChars', 1, MESSAGE_CHARS_CEILING],
    ['maxRoomsPerUser', 1, 10_000],
    ['maxMembersPerRoom', 2, 100_000],
  ])('takes %s from %i to %i and nothing past them, nor a fraction', (key, min, max) => {
    const withValue = (value: number) => Value.Check(chatConfig, { ...defaults, [key]: value });
    expect([withValue(min), withValue(max)]).toEqual([true, true]);
    expect([withValue(min - 1), withValue(max + 1), withValue(min + 0.5)]).toEqual([false, false, false]);
  });

  it('refuses unknown keys, an empty word and a word past 100 characters', () => {
    expect(Value.Check(chatConfig, { ...defaults, words: ['x'] })).toBe(false);
    expect(Value.Check(chatConfig, { ...defaults, blockedWords: [''] })).toBe(false);
    expect(Value.Check(chatConfig, { ...defaults, blockedWords: ['x'.repeat(101)] })).toBe(false);
    expect(Value.Check(chatConfig, { ...defaults, blockedWords: [] })).toBe(true);
  });

  it('names a word of invisible characters alone as a problem of chat.blockedWords', () => {
    const problems = chatConfigProblems({ ...defaults, blockedWords: ['ok', '\u200b\u200b'] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^chat\.blockedWords: words\[1\]: /);
  });
});
