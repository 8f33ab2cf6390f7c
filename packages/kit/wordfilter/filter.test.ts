import { describe, expect, it } from 'vitest';
import { Code, SurgeError } from '#kit/errors';
import { createWordFilter, INVISIBLE_CHARACTERS, SPACES_AND_PUNCTUATION, type WordFilterOptions } from './index.js';

const PUNCTUATION_NOISE = INVISIBLE_CHARACTERS + SPACES_AND_PUNCTUATION;

type Row = [label: string, options: WordFilterOptions, text: string, masked: string];

const maskTable: Row[] = [
  // Chinese
  ['a Chinese word', { words: ['色情', '赌博'] }, '这是色情内容，不是赌博', '这是**内容，不是**'],
  ['several Chinese words, one after another', { words: ['法轮功', '色情'] }, '色情法轮功', '*****'],
  ['spaces are not skipped by default', { words: ['法轮功'] }, '法 轮 功', '法 轮 功'],
  ['invisible characters are skipped by default, and masked inside a match', { words: ['法轮功'] }, '说法\u200B轮\u200D功', '说*****'],
  ['spaces and punctuation skipped when configured, full-width ones too', { words: ['法轮功'], noise: PUNCTUATION_NOISE }, '看法，轮 功！', '看*****！'],
  ['noise before and after a word is not part of it', { words: ['bad'], noise: PUNCTUATION_NOISE }, '..b.a.d..', '..*****..'],
  // emoji and code points
  ['an emoji is one code point, one mask', { words: ['🍆'] }, 'nice 🍆!', 'nice *!'],
  ['an emoji ZWJ sequence (5 code points)', { words: ['👨‍👩‍👧'] }, 'family 👨‍👩‍👧', 'family *****'],
  ['a word mixing scripts', { words: ['VIP会员'] }, '免费vip会员啦', '免费*****啦'],
  // case and normalization
  ['Latin case is ignored', { words: ['BadWord'] }, 'BADWORD and badword', '******* and *******'],
  ['Greek and Cyrillic case too', { words: ['ΣΠΑΜ', 'спам'] }, 'σπαμ СПАМ', '**** ****'],
  ['case kept when asked', { words: ['bad'], caseInsensitive: false }, 'BAD bad', 'BAD ***'],
  ['full-width letters fold to ASCII', { words: ['bad'] }, 'ＢＡＤ!', '***!'],
  ['a ligature matches its letters and is masked whole', { words: ['fine'] }, 'ﬁne', '***'],
  ['a precomposed é and e + U+0301 are one letter', { words: ['café'] }, 'cafe\u0301 CAFÉ', '***** ****'],
  ['circled digits fold to digits', { words: ['110'] }, 'call ①①⓪', 'call ***'],
  ['no folding when normalize is off', { words: ['bad'], normalize: false }, 'ＢＡＤ bad', 'ＢＡＤ ***'],
  // overlaps
  ['overlapping words: he, she, hers in "ushers"', { words: ['he', 'she', 'hers'] }, 'ushers', 'u*****'],
  ['two words sharing letters: abc, cde', { words: ['abc', 'cde'] }, 'xabcdex', 'x*****x'],
  ['a word inside a longer one', { words: ['a', 'abc'] }, 'xabcx', 'x***x'],
  ['a later match that starts before an earlier one', { words: ['ab', 'xabc'] }, 'xabc!', '****!'],
  ['the same word overlapping itself', { words: ['aba'] }, 'ababa', '*****'],
  ['repeated occurrences far apart', { words: ['spam'] }, 'spam, eggs, spam', '****, eggs, ****'],
  ['no words: the text is returned as is', { words: [] }, 'anything 色情', 'anything 色情'],
  ['another mask character', { words: ['坏'], mask: '□' }, '好坏', '好□'],
];

describe('word filter: mask', () => {
  it.each(maskTable)('%s', (_label, options, text, masked) => {
    expect(createWordFilter(options).mask(text)).toBe(masked);
  });

  it('masks by code point: the output has as many code points as the input', () => {
    const filter = createWordFilter({ words: ['🍆🍑', '色情'] });
    const text = 'x🍆🍑y色情z';
    const masked = filter.mask(text);
    expect(masked).toBe('x**y**z');
    expect([...masked].length).toBe([...text].length);
  });
});

describe('word filter: find', () => {
  const findTable: [label: string, options: WordFilterOptions, text: string, found: [string, number, number][]][] = [
    ['every overlapping occurrence, by end then longest first', { words: ['he', 'she', 'hers'] }, 'ushers', [['she', 1, 4], ['he', 2, 4], ['hers', 2, 6]]],
    ['nested Chinese words', { words: ['中国', '中国人', '国人'] }, '我是中国人', [['中国', 2, 4], ['中国人', 2, 5], ['国人', 3, 5]]],
    ['offsets are UTF-16, so slice() gives the match', { words: ['🍆'] }, 'a🍆b', [['🍆', 1, 3]]],
    ['a match spans the noise inside it', { words: ['fuck'], noise: PUNCTUATION_NOISE }, 'f.u.c.k!', [['fuck', 0, 7]]],
    ['a word listed twice (after folding) is reported once, as first listed', { words: ['bad', 'BAD'] }, 'Bad', [['bad', 0, 3]]],
    ['nothing found', { words: ['bad'] }, 'good', []],
  ];

  it.each(findTable)('%s', (_label, options, text, found) => {
    const matches = createWordFilter(options).find(text);
    expect(matches.map((m) => [m.word, m.start, m.end])).toEqual(found);
  });

  it('contains() agrees with find() and stops at the first match', () => {
    const filter = createWordFilter({ words: ['色情', 'spam'] });
    for (const [text, expected] of [['hello', false], ['SPAM!', true], ['色 情', false], ['色情', true], ['', false]] as const) {
      expect(filter.contains(text)).toBe(expected);
      expect(filter.find(text).length > 0).toBe(expected);
    }
  });
});

describe('word filter: options', () => {
  it('bad options fail at construction with InvalidArgument naming the option', () => {
    const invalid = (options: unknown, field: string) => {
      try {
        createWordFilter(options as WordFilterOptions);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(SurgeError);
        expect((e as SurgeError).code).toBe(Code.InvalidArgument);
        expect((e as SurgeError).details?.field).toBe(field);
      }
    };
    invalid({}, 'words');
    invalid({ words: ['ok', ''] }, 'words[1]');
    invalid({ words: ['ok', 42] }, 'words[1]');
    invalid({ words: ['ok', ' . '], noise: PUNCTUATION_NOISE }, 'words[1]'); // nothing but noise
    invalid({ words: ['ok'], mask: '**' }, 'mask');
    invalid({ words: ['ok'], mask: '' }, 'mask');
    invalid({ words: ['ok'], noise: 5 }, 'noise');
  });
});
