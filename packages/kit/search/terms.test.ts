// The search terms of a document and of a query: the same cuts on both sides, CJK as bigrams.
import { describe, expect, it } from 'vitest';
import { MAX_TERM, documentTerms, queryTerms } from './terms.js';

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
});
