// Search terms of a text, the same for a document (a product's name, an article's title and body,
// on write) and for a query (on read), so both databases can search Chinese and Latin text with a
// plain index table (docs/decisions.md, product search):
//   - NFKC, then lower case: full-width ＡＢＣ and half-width abc, Ⅸ and ix are one word;
//   - Latin, digit and other alphabetic runs are words, split where letters meet digits
//     ("iPhone15" → iphone, 15), so a model number typed either way is found;
//   - CJK runs (Han, kana, Hangul) have no spaces between words, so they are cut into
//     overlapping character bigrams (手机壳 → 手机, 机壳), the usual n-gram answer when no
//     dictionary segmenter is at hand; a document also keeps every single character, so a
//     one-character query (手) finds it.
// A query keeps bigrams only (and the character of a one-character run): every query term must
// be found in the document, and bigrams are what order the characters.

/** Longest term kept, in code points: a longer run is cut, the same way on write and on read. */
export const MAX_TERM = 32;

const CJK_CLASS = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}';
const CJK = new RegExp(`[${CJK_CLASS}]`, 'u');
/** Runs of CJK characters (with the kana prolonged sound mark), of digits, or of other letters and marks; anything else separates. */
const RUN = new RegExp(`[${CJK_CLASS}\\u30fc]+|\\p{Nd}+|(?:(?![${CJK_CLASS}])[\\p{L}\\p{M}])+`, 'gu');

const cut = (term: string) => {
  const chars = [...term];
  return chars.length > MAX_TERM ? chars.slice(0, MAX_TERM).join('') : term;
};

function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** The terms a document holds: words, CJK bigrams and single CJK characters; no repeats. */
export function documentTerms(text: string): Set<string> {
  const terms = new Set<string>();
  for (const run of normalize(text).match(RUN) ?? []) {
    if (!CJK.test(run)) {
      terms.add(cut(run));
      continue;
    }
    const chars = [...run];
    for (let i = 0; i < chars.length; i++) {
      terms.add(chars[i]!);
      if (i + 1 < chars.length) terms.add(chars[i]! + chars[i + 1]!);
    }
  }
  return terms;
}

/** The terms a query asks for, each of which a document must hold: words, CJK bigrams, or the lone CJK character of a one-character run. */
export function queryTerms(text: string): string[] {
  const terms = new Set<string>();
  for (const run of normalize(text).match(RUN) ?? []) {
    if (!CJK.test(run)) {
      terms.add(cut(run));
      continue;
    }
    const chars = [...run];
    if (chars.length === 1) terms.add(chars[0]!);
    for (let i = 0; i + 1 < chars.length; i++) terms.add(chars[i]! + chars[i + 1]!);
  }
  return [...terms];
}
