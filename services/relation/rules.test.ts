// The relation rules on their own: each refusal names its field.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { refusalOf } from '#kit/testing';
import { checkId, checkLimit, checkPageLimit, checkTargetIds, checkViewer, MAX_IDS_PER_BATCH, MAX_LIST, PAGE } from './rules.js';

const refusal = (fn: () => unknown) => refusalOf(fn, Code.InvalidArgument).details?.field;

describe('relation rules', () => {
  it('ids are positive safe integers', () => {
    expect(checkId('follower_id', 1)).toBe(1);
    for (const bad of [0, -3, 2.5, Number.MAX_SAFE_INTEGER + 1]) expect(refusal(() => checkId('follower_id', bad))).toBe('follower_id');
  });

  it('limit: 0 is the maximum, more is capped, negative is refused', () => {
    expect(checkLimit(0)).toBe(MAX_LIST);
    expect(checkLimit(20)).toBe(20);
    expect(checkLimit(5000)).toBe(MAX_LIST);
    expect(refusal(() => checkLimit(-1))).toBe('limit');
  });

  it('page limit: 0 is 20, 1–50 as given, more counts as 50, negative or fractional is refused', () => {
    expect(checkPageLimit(0)).toBe(PAGE.byDefault);
    expect(checkPageLimit(1)).toBe(1);
    expect(checkPageLimit(50)).toBe(50);
    expect(checkPageLimit(51)).toBe(PAGE.max);
    expect(checkPageLimit(999)).toBe(PAGE.max);
    for (const bad of [-1, 2.5]) expect(refusal(() => checkPageLimit(bad))).toBe('limit');
  });

  it('the viewer may be 0 (signed out), never negative', () => {
    expect(checkViewer(0)).toBe(0);
    expect(checkViewer(9)).toBe(9);
    expect(refusal(() => checkViewer(-9))).toBe('user_id');
  });

  it('target ids: at most 1000, each positive, order and repeats kept', () => {
    expect(checkTargetIds([3, 1, 3])).toEqual([3, 1, 3]);
    expect(checkTargetIds(Array.from({ length: MAX_IDS_PER_BATCH }, (_, i) => i + 1))).toHaveLength(MAX_IDS_PER_BATCH);
    expect(refusal(() => checkTargetIds(Array.from({ length: MAX_IDS_PER_BATCH + 1 }, (_, i) => i + 1)))).toBe('target_ids');
    expect(refusal(() => checkTargetIds([1, 0]))).toBe('target_ids');
  });
});
