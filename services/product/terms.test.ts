// A product's search terms and weights, and the page cursor's round trip.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { decodeCursor, encodeCursor } from './model/cursor.js';
import { productTerms } from './model/terms.js';

describe('product search terms', () => {
  it('weighs a name term over a subtitle term, and one in both the most', () => {
    expect(Object.fromEntries(productTerms('蓝牙 Pro', 'Pro 耳机'))).toEqual({ 蓝: 2, 蓝牙: 2, 牙: 2, pro: 3, 耳: 1, 耳机: 1, 机: 1 });
  });
});

describe('page cursors', () => {
  it('round-trip as base64url, and only for the lists they are given to', () => {
    const raw = encodeCursor({ kind: 'search', keys: [9, 1200], id: 7_000_000_000_001 });
    expect(raw).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(raw, ['search'])).toEqual({ kind: 'search', keys: [9, 1200], id: 7_000_000_000_001 });
    expect(decodeCursor('', ['search'])).toBeUndefined();
    expect(() => decodeCursor(raw, ['newest'])).toThrow(expect.objectContaining({ code: Code.InvalidArgument, details: { field: 'cursor' } }));
  });

  it.each([
    ['not base64url', '@@@'],
    ['a different spelling of the same bytes', `${encodeCursor({ kind: 'newest', keys: [1], id: 2 })}=`],
    ['too few keys', Buffer.from('newest.2').toString('base64url')],
    ['a negative key', Buffer.from('newest.-1.2').toString('base64url')],
    ['a leading zero', Buffer.from('newest.01.2').toString('base64url')],
    ['id 0', Buffer.from('newest.1.0').toString('base64url')],
    ['past 2^53', Buffer.from('newest.1.9007199254740993').toString('base64url')],
    ['unknown kind', Buffer.from('oldest.1.2').toString('base64url')],
  ])('refuses %s, naming cursor', (_what, raw) => {
    expect(() => decodeCursor(raw, ['newest'])).toThrow(expect.objectContaining({ code: Code.InvalidArgument, details: { field: 'cursor' } }));
  });
});
