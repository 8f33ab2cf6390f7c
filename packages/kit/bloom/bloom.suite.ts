// The behaviour every Bloom bitmap must show, through the filter callers use.
// Run by memory.test.ts and redis.test.ts.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '#kit/testing';
import type { BloomFilter, BloomOptions } from './index.js';

export interface BloomHarness {
  /** A new, empty filter (its own key on a shared server). */
  make(options: BloomOptions): Promise<BloomFilter>;
}

const MEMBERS = 10_000;
const NON_MEMBERS = 100_000;

/** 10k ids as a service would add them: sequential numbers (an id space). */
export const members = (): number[] => Array.from({ length: MEMBERS }, (_, i) => 1_000_000 + i);

/** 100k items never added: the next ids in the sequence, and random strings that look like keys. */
export function nonMembers(): (number | string)[] {
  const random = seededRandom(12);
  const next = Array.from({ length: NON_MEMBERS / 2 }, (_, i) => 1_000_000 + MEMBERS + i);
  const strings = Array.from({ length: NON_MEMBERS / 2 }, () => `video:${Math.floor(random() * 2 ** 40)}`);
  return [...next, ...strings];
}

export function bloomSuite(label: string, harness: BloomHarness): void {
  describe(`bloom behaviour: ${label}`, () => {
    it('no false negatives: every one of 10k added items is reported as maybe present', async () => {
      const filter = await harness.make({ expectedItems: MEMBERS, falsePositiveRate: 0.01 });
      const ids = members();
      await filter.addMany(ids.slice(0, 9_900));
      for (const id of ids.slice(9_900)) await filter.add(id);
      const answers = await filter.mightContainMany(ids);
      expect(answers.length).toBe(MEMBERS);
      expect(answers.filter((a) => !a).length).toBe(0);
      for (const id of [ids[0]!, ids[5_000]!, ids[9_999]!]) expect(await filter.mightContain(id)).toBe(true);
    });

    it('false positives over 100k non-members stay within 1.5× p, and the filter is not oversized (above p / 2)', async () => {
      for (const p of [0.01, 0.05]) {
        const filter = await harness.make({ expectedItems: MEMBERS, falsePositiveRate: p });
        await filter.addMany(members());
        const answers = await filter.mightContainMany(nonMembers());
        const rate = answers.filter(Boolean).length / NON_MEMBERS;
        expect(rate, `p = ${p}`).toBeLessThanOrEqual(1.5 * p);
        expect(rate, `p = ${p}`).toBeGreaterThan(p / 2);
      }
    });

    it('an empty filter says no to everything, and an empty batch is an empty answer', async () => {
      const filter = await harness.make({ expectedItems: 1_000 });
      expect((await filter.mightContainMany(nonMembers().slice(0, 1_000))).some(Boolean)).toBe(false);
      expect(await filter.mightContainMany([])).toEqual([]);
      await filter.addMany([]);
      expect(await filter.mightContain('anything')).toBe(false);
    });

    it('a number and its decimal string are one item; text of any script is hashed as UTF-8', async () => {
      const filter = await harness.make({ expectedItems: 1_000, falsePositiveRate: 0.001 });
      await filter.addMany([42, '视频', '🎬 clip']);
      expect(await filter.mightContainMany(['42', 42, '视频', '🎬 clip'])).toEqual([true, true, true, true]);
      // Near misses (another code point, a trailing byte) answer no here at p = 0.001.
      expect(await filter.mightContainMany([43, '视', '🎬 clip ', '42.5'])).toEqual([false, false, false, false]);
    });
  });
}
