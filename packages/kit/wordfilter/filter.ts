// The word filter: the configured words in an Aho–Corasick automaton (automaton.ts), read over
// the text's code points as normalize.ts maps them. Matching is by substring, as sensitive-word
// lists in Chinese are: there are no word boundaries, so in Latin text a listed word inside a
// longer innocent one is found too (list whole phrases, or allow-list them, to avoid that).
import { errors } from '#kit/errors';
import { AhoCorasick } from './automaton.js';
import { Normalizer } from './normalize.js';
import { resolveWordFilterOptions, type ResolvedWordFilterOptions, type WordFilterOptions } from './options.js';

export interface WordMatch {
  /** The word as configured. */
  word: string;
  /** UTF-16 offsets into the text, end exclusive: text.slice(start, end) is what matched, noise between its letters included. */
  start: number;
  end: number;
}

export interface WordFilter {
  /** Whether any word occurs. Stops at the first; O(text). */
  contains(text: string): boolean;
  /** Every occurrence, overlapping and nested ones too, ordered by end then longest first; O(text + matches). */
  find(text: string): WordMatch[];
  /** The text with every character of every occurrence (and noise inside one) replaced by the mask, one per code point; O(text). */
  mask(text: string): string;
}

/** Called at each automaton position where a word ends; true stops the scan. */
type Visit = (state: number, startOf: (length: number) => number, end: number) => boolean | void;

class AhoCorasickWordFilter implements WordFilter {
  private readonly normalizer: Normalizer;
  readonly automaton: AhoCorasick;
  private readonly words: readonly string[];
  private readonly maskText: string;

  constructor(options: ResolvedWordFilterOptions) {
    this.normalizer = new Normalizer(options.normalize, options.caseInsensitive, options.noise);
    const symbols = options.words.map((word, i) => {
      const mapped = this.normalizer.word(word);
      if (mapped.length === 0) throw errors.invalid(`words[${i}]`, 'is only noise characters: nothing is left to match');
      return mapped;
    });
    this.automaton = new AhoCorasick(symbols);
    this.words = options.words;
    this.maskText = options.mask;
  }

  contains(text: string): boolean {
    let found = false;
    this.scan(text, () => (found = true));
    return found;
  }

  find(text: string): WordMatch[] {
    const matches: WordMatch[] = [];
    this.scan(text, (state, startOf, end) => {
      this.automaton.matchesAt(state, (word, length) => matches.push({ word: this.words[word]!, start: startOf(length), end }));
    });
    return matches;
  }

  mask(text: string): string {
    // For each UTF-16 offset, the furthest end of a match starting there (0: none). A later match
    // may start before an earlier one (ab then xabc), so spans are merged in a sweep afterwards.
    let until: Int32Array | undefined;
    this.scan(text, (state, startOf, end) => {
      until ??= new Int32Array(text.length);
      const start = startOf(this.automaton.longest[state]!); // the longest match here covers every shorter one
      if (until[start]! < end) until[start] = end;
    });
    if (!until) return text;
    const pieces: string[] = [];
    let runStart = 0;
    let cover = 0;
    for (let unit = 0; unit < text.length; ) {
      const width = text.codePointAt(unit)! > 0xffff ? 2 : 1;
      cover = Math.max(cover, until[unit]!);
      if (unit < cover) {
        if (runStart < unit) pieces.push(text.slice(runStart, unit));
        pieces.push(this.maskText);
        runStart = unit + width;
      }
      unit += width;
    }
    pieces.push(text.slice(runStart));
    return pieces.join('');
  }

  /**
   * Reads text through the automaton. A ring of the last maxWordLength positions remembers
   * which code point of the text (its UTF-16 offset) each symbol came from, so a match of
   * length L ending here starts where the symbol L - 1 positions back came from.
   */
  private scan(text: string, visit: Visit): void {
    const automaton = this.automaton;
    const size = Math.max(1, automaton.maxWordLength);
    const ring = new Int32Array(size);
    let position = 0; // symbols read so far
    let state = 0;
    let end = 0;
    const startOf = (length: number) => ring[(position - length) % size]!;
    for (let unit = 0; unit < text.length; unit = end) {
      const cp = text.codePointAt(unit)!;
      end = unit + (cp > 0xffff ? 2 : 1);
      const symbols = this.normalizer.map(cp);
      for (let i = 0; i < symbols.length; i++) {
        state = automaton.step(state, symbols[i]!);
        ring[position % size] = unit;
        position++;
        if (automaton.longest[state]! > 0 && visit(state, startOf, end) === true) return;
      }
    }
  }
}

/** Internal: the filter with its automaton reachable, for the tests that count steps. */
export function buildWordFilter(options: WordFilterOptions): AhoCorasickWordFilter {
  return new AhoCorasickWordFilter(resolveWordFilterOptions(options));
}

/** A filter for the configured words; bad options throw SurgeError(InvalidArgument) here, not on first use. */
export function createWordFilter(options: WordFilterOptions): WordFilter {
  return buildWordFilter(options);
}
