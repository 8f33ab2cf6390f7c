// What the automaton reads for each code point of text (and of the words): its compatibility
// decomposition (NFKD) when normalize is on, lower-cased when caseInsensitive is on, with noise
// code points dropped. One code point maps to zero (noise), one, or several code points ("ﬁ" →
// "f", "i"); it is done per code point, not over the whole string, so every automaton position
// knows which character of the original text it came from. NFKD rather than NFKC: per code
// point, composition cannot join "e" and a following U+0301, but decomposing both forms of "é"
// gives the same pair everywhere.

/** Past this many distinct code points, results are computed each time instead of cached, so a text full of rare symbols cannot grow memory. */
const CACHE_LIMIT = 65_536;

const NOTHING: readonly number[] = Object.freeze([]);

export class Normalizer {
  private readonly ascii: (readonly number[])[] = [];
  private readonly cache = new Map<number, readonly number[]>();
  private readonly noise: ReadonlySet<number>;

  constructor(
    private readonly normalize: boolean,
    private readonly caseInsensitive: boolean,
    noise: string,
  ) {
    const noiseSet = new Set<number>();
    for (const ch of noise) for (const cp of this.compute(ch.codePointAt(0)!, new Set())) noiseSet.add(cp);
    this.noise = noiseSet;
    for (let cp = 0; cp < 128; cp++) this.ascii.push(this.compute(cp, this.noise));
  }

  /** The code points the automaton reads for cp; empty for noise. The array is shared: do not change it. */
  map(cp: number): readonly number[] {
    if (cp < 128) return this.ascii[cp]!;
    let mapped = this.cache.get(cp);
    if (mapped === undefined) {
      mapped = this.compute(cp, this.noise);
      if (this.cache.size < CACHE_LIMIT) this.cache.set(cp, mapped);
    }
    return mapped;
  }

  /** A word as the automaton reads it. */
  word(text: string): number[] {
    const out: number[] = [];
    for (const ch of text) out.push(...this.map(ch.codePointAt(0)!));
    return out;
  }

  private compute(cp: number, noise: ReadonlySet<number>): readonly number[] {
    let s = String.fromCodePoint(cp);
    if (this.normalize) s = s.normalize('NFKD');
    if (this.caseInsensitive) s = s.toLowerCase();
    const out: number[] = [];
    for (const ch of s) {
      const mapped = ch.codePointAt(0)!;
      if (!noise.has(mapped)) out.push(mapped);
    }
    return out.length === 0 ? NOTHING : Object.freeze(out);
  }
}
