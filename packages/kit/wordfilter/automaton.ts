// Aho–Corasick string matching (Aho & Corasick, "Efficient String Matching: An Aid to
// Bibliographic Search", CACM 18(6), 1975): a trie of the words plus, for each state, a failure
// link to the longest proper suffix that is also a trie path. Reading one symbol takes one goto
// and some failure links; each failure link shortens the current match by at least one symbol
// and each symbol lengthens it by at most one, so a text of n symbols costs at most 2n
// transitions whatever the words (linear, counted in `steps`). Dictionary links (each state's
// nearest suffix that ends a word) list every match ending at a position in time proportional
// to their number, and `longest` gives the longest one in O(1), which is all masking needs.
// Symbols are Unicode code points, so Chinese and emoji are single symbols.

const ROOT = 0;

export class AhoCorasick {
  /** Transitions followed since construction (gotos, failure links, dictionary links): the linear-time witness. */
  steps = 0;
  private readonly next: (Map<number, number> | undefined)[] = [undefined];
  private readonly fail: Int32Array;
  /** Index of the word that ends exactly at a state, or -1. */
  readonly wordAt: Int32Array;
  /** Nearest proper-suffix state that ends a word, or ROOT for none. */
  readonly dictLink: Int32Array;
  /** Length of the longest word that is a suffix of the state's path (0: none). */
  readonly longest: Int32Array;
  /** Length of each word, in symbols. */
  readonly wordLength: Int32Array;
  readonly maxWordLength: number;

  /** words: each a non-empty list of symbols; a repeated word is kept at its first index. */
  constructor(words: readonly (readonly number[])[]) {
    const wordAt: number[] = [-1];
    const depth: number[] = [0];
    for (let w = 0; w < words.length; w++) {
      let state = ROOT;
      for (const symbol of words[w]!) {
        const edges = (this.next[state] ??= new Map());
        let child = edges.get(symbol);
        if (child === undefined) {
          child = this.next.length;
          edges.set(symbol, child);
          this.next.push(undefined);
          wordAt.push(-1);
          depth.push(depth[state]! + 1);
        }
        state = child;
      }
      if (wordAt[state] === -1) wordAt[state] = w;
    }
    const states = this.next.length;
    this.wordAt = Int32Array.from(wordAt);
    this.wordLength = Int32Array.from(words, (word) => word.length);
    this.maxWordLength = this.wordLength.reduce((most, length) => Math.max(most, length), 0);
    this.fail = new Int32Array(states);
    this.dictLink = new Int32Array(states);
    this.longest = new Int32Array(states);

    // Breadth-first, so a state's failure target (shallower) is finished before the state.
    const queue = [ROOT];
    for (let head = 0; head < queue.length; head++) {
      const parent = queue[head]!;
      for (const [symbol, child] of this.next[parent] ?? []) {
        queue.push(child);
        const target = parent === ROOT ? ROOT : this.follow(this.fail[parent]!, symbol);
        this.fail[child] = target;
        this.dictLink[child] = this.wordAt[target]! >= 0 ? target : this.dictLink[target]!;
        this.longest[child] = this.wordAt[child]! >= 0 ? depth[child]! : this.longest[target]!;
      }
    }
    this.steps = 0;
  }

  /** The state after reading symbol in state. */
  step(state: number, symbol: number): number {
    for (;;) {
      this.steps++;
      const child = this.next[state]?.get(symbol);
      if (child !== undefined) return child;
      if (state === ROOT) return ROOT;
      state = this.fail[state]!;
    }
  }

  /** Calls visit(word, length) for every word ending in state, longest first. */
  matchesAt(state: number, visit: (word: number, length: number) => void): void {
    let at = this.wordAt[state]! >= 0 ? state : this.dictLink[state]!;
    while (at !== ROOT) {
      this.steps++;
      const word = this.wordAt[at]!;
      visit(word, this.wordLength[word]!);
      at = this.dictLink[at]!;
    }
  }

  private follow(state: number, symbol: number): number {
    for (;;) {
      const child = this.next[state]?.get(symbol);
      if (child !== undefined) return child;
      if (state === ROOT) return ROOT;
      state = this.fail[state]!;
    }
  }
}
