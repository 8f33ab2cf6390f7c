import { describe, expect, it } from 'vitest';
import { seededRandom } from '#kit/testing';
import { buildWordFilter } from './filter.js';

/** Draws from an alphabet with a seeded random source (the same strings on every run). */
function drawer(alphabet: string[], seed: number) {
  const random = seededRandom(seed);
  return (length: number) => Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
}

describe('word filter: linear time, counted in automaton steps', () => {
  it('1M characters against 10k words: mask and contains take at most 2 steps a character, find 2 plus one per match', () => {
    // A small alphabet of Chinese, Latin and emoji makes partial matches (and failure links) frequent.
    const alphabet = ['色', '情', '赌', '博', 'a', 'b', '🍆', '国'];
    const random = seededRandom(7);
    const draw = drawer(alphabet, 8);
    const words = Array.from({ length: 10_000 }, () => draw(5 + Math.floor(random() * 8)));
    const text = draw(1_000_000);
    const filter = buildWordFilter({ words });
    const automaton = filter.automaton;
    const characters = [...text].length;

    automaton.steps = 0;
    const masked = filter.mask(text);
    const maskSteps = automaton.steps;
    expect([...masked].length).toBe(characters);
    expect(maskSteps).toBeGreaterThan(1.2 * characters); // failure links really are followed here…
    expect(maskSteps).toBeLessThanOrEqual(2 * characters); // …and never more than one per character read

    automaton.steps = 0;
    const matches = filter.find(text);
    expect(matches.length).toBeGreaterThan(1_000);
    expect(automaton.steps).toBeLessThanOrEqual(2 * characters + matches.length);
    // Every masked character lies inside a found match, and every match is masked.
    const covered = new Uint8Array(text.length);
    for (const m of matches) covered.fill(1, m.start, m.end);
    let coveredCodePoints = 0;
    for (let unit = 0; unit < text.length; unit += text.codePointAt(unit)! > 0xffff ? 2 : 1) coveredCodePoints += covered[unit]!;
    expect([...masked].filter((ch) => ch === '*').length).toBe(coveredCodePoints);
  });

  it('the worst case for a trie walked from every position (a, aa, …, a×100 over a×1M) stays at 2 steps a character', () => {
    const words = [...Array.from({ length: 100 }, (_, i) => 'a'.repeat(i + 1)), 'a'.repeat(99) + 'b'];
    const filter = buildWordFilter({ words });
    const text = 'a'.repeat(1_000_000);
    filter.automaton.steps = 0;
    expect(filter.mask(text)).toBe('*'.repeat(1_000_000));
    // Restarting a trie walk at each position would take about 100 steps a character here.
    expect(filter.automaton.steps).toBeLessThanOrEqual(2 * text.length);
    filter.automaton.steps = 0;
    expect(filter.contains('b'.repeat(1_000) + 'a')).toBe(true);
    expect(filter.automaton.steps).toBeLessThanOrEqual(2 * 1_001);
  });
});

describe('word filter: agrees with brute force', () => {
  it('on 300 random word lists and texts, find() lists exactly the occurrences a brute-force search finds', () => {
    const random = seededRandom(3);
    const draw = drawer(['a', 'b', 'c', '中'], 4);
    for (let round = 0; round < 300; round++) {
      const words = [...new Set(Array.from({ length: 1 + Math.floor(random() * 8) }, () => draw(1 + Math.floor(random() * 4))))];
      const text = draw(Math.floor(random() * 60));
      const expected: string[] = [];
      for (let end = 1; end <= text.length; end++) {
        for (const word of words) if (end >= word.length && text.slice(end - word.length, end) === word) expected.push(`${word}@${end - word.length}`);
      }
      const found = buildWordFilter({ words }).find(text).map((m) => `${m.word}@${m.start}`);
      expect(found.sort(), `words ${JSON.stringify(words)} text ${text}`).toEqual(expected.sort());
    }
  });
});
