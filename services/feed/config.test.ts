// The `feed` section: its defaults are a valid section, and a push limit out of bounds or an
// unknown key stops the start instead of being ignored.
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { feedConfig, type FeedConfig } from './config.js';

describe('the feed configuration section', () => {
  it('defaults to a push limit of 5000', () => {
    const defaults = Value.Default(feedConfig, {}) as FeedConfig;
    expect(defaults).toEqual({ pushLimit: 5000 });
    expect(Value.Check(feedConfig, defaults)).toBe(true);
  });

  it.each([
    ['a negative limit', { pushLimit: -1 }],
    ['a fractional limit', { pushLimit: 2.5 }],
    ['a limit past 10,000,000', { pushLimit: 10_000_001 }],
    ['an unknown key', { pushLimit: 3, limit: 3 }],
  ])('refuses %s', (_name, section) => {
    expect(Value.Check(feedConfig, section)).toBe(false);
  });

  it('takes 0: every author pulled, none pushed', () => {
    expect(Value.Check(feedConfig, { pushLimit: 0 })).toBe(true);
  });
});
