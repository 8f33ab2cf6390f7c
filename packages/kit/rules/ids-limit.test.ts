// The id, batch and page-size rules: what each accepts, and the one message of each refusal.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { refusalOf } from '#kit/testing';
import { checkId, checkIds, checkLimit } from '#kit/rules';

/** The refusal's field and message as a client reads it ("field: problem"). */
const refusal = (fn: () => unknown): string => {
  const err = refusalOf(fn, Code.InvalidArgument);
  return `${String(err.details?.field)} | ${err.message}`;
};

describe('checkId', () => {
  it('takes positive safe integers', () => {
    for (const id of [1, 42, Number.MAX_SAFE_INTEGER]) expect(checkId('video_id', id)).toBe(id);
  });

  it.each([0, -3, 2.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN, Infinity])('refuses %s, naming the field', (id) => {
    expect(refusal(() => checkId('video_id', id))).toBe('video_id | video_id: must be a positive integer id');
  });
});

describe('checkIds', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  it('takes up to max ids, keeping order and repeats unless asked to fold them', () => {
    expect(checkIds('ids', [3, 1, 3], { max: 3 })).toEqual([3, 1, 3]);
    expect(checkIds('ids', [3, 1, 3], { max: 3, unique: true })).toEqual([3, 1]);
    expect(checkIds('ids', [], { max: 3 })).toEqual([]);
    expect(checkIds('ids', ids(1000), { max: 1000 })).toHaveLength(1000);
  });

  it('refuses one id more than max (repeats count), and any id that is not one', () => {
    expect(refusal(() => checkIds('peer_ids', ids(1001), { max: 1000 }))).toBe('peer_ids | peer_ids: at most 1000 ids per call (got 1001)');
    expect(refusal(() => checkIds('peer_ids', [1, 1, 1, 1], { max: 3, unique: true }))).toBe('peer_ids | peer_ids: at most 3 ids per call (got 4)');
    expect(refusal(() => checkIds('peer_ids', [1, 0], { max: 3 }))).toBe('peer_ids | peer_ids: must be a positive integer id');
  });
});

describe('checkLimit', () => {
  it('0 is the default, more than max is capped, anything between is itself', () => {
    expect(checkLimit(0, { max: 1000 })).toBe(1000);
    expect(checkLimit(0, { max: 100, byDefault: 30 })).toBe(30);
    expect(checkLimit(1, { max: 100, byDefault: 30 })).toBe(1);
    expect(checkLimit(100, { max: 100, byDefault: 30 })).toBe(100);
    expect(checkLimit(101, { max: 100, byDefault: 30 })).toBe(100);
  });

  it.each([-1, 2.5, Number.NaN])('refuses %s with one wording that names the default and the cap', (limit) => {
    expect(refusal(() => checkLimit(limit, { max: 100, byDefault: 30 }))).toBe('limit | limit: must be 0 (the default, 30) or a positive integer; more than 100 counts as 100');
  });
});
