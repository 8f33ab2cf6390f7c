// The search terms of a text and of a query, and the page cursor's round trip.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { decodeCursor, encodeCursor } from './model/cursor.js';
import { MAX_TERM, documentTerms, productTerms, queryTerms } from './model/tokenize.js';

describe('search terms', () => {
  it.each([
    ['CJK as characters and bigrams', '手机壳', ['手', '手机', '机', '机壳', '壳']],
    ['Latin as case-folded words', 'Apple iPhone', ['apple', 'iphone']],
    ['letters and digits apart', 'iPhone15 Pro', ['iphone', '15', 'pro']],
    ['scripts apart', '华为Mate60', ['华', '华为', '为', 'mate', '60']],
    ['NFKC: full width is half width', 'ＡＢＣ１２', ['abc', '12']],
    ['accents kept, case folded', 'Café CAFÉ', ['café']],
    ['kana and Hangul as CJK', 'カメラ 한국', ['カ', 'カメ', 'メ', 'メラ', 'ラ', '한', '한국', '국']],
    ['punctuation separates, repeats fold', '手机-手机!', ['手', '手机', '机']],
    ['nothing to index', '!!! ---', []],
  ])('document: %s', (_what, text, terms) => {
    expect([...documentTerms(text)]).toEqual(terms);
  });

  it.each([
    ['a CJK run: its bigrams only', '手机壳', ['手机', '机壳']],
    ['one CJK character: itself', '壳', ['壳']],
    ['words and CJK together', 'iPhone 手机', ['iphone', '手机']],
    ['repeats fold', 'pro PRO Pro', ['pro']],
  ])('query: %s', (_what, text, terms) => {
    expect(queryTerms(text)).toEqual(terms);
  });

  it('cuts a run longer than a term may be, the same on both sides', () => {
    const long = 'a'.repeat(MAX_TERM + 10);
    expect([...documentTerms(long)]).toEqual(['a'.repeat(MAX_TERM)]);
    expect(queryTerms(long)).toEqual(['a'.repeat(MAX_TERM)]);
  });

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
