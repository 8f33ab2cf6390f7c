// Bloom filter sizing from the expected number of items n and the false-positive rate p wanted
// at n (Bloom 1970; the optimal-k derivation as in Broder & Mitzenmacher, "Network Applications
// of Bloom Filters: A Survey", 2004):
//   m = -n ln p / (ln 2)^2   bits
//   k = (m / n) ln 2         hash positions per item
// With k optimal, each bit is set with probability 1/2 at n items and the false-positive rate is
// (1/2)^k = p. Past n items the rate grows: size n for the id space you expect to hold.
import { errors } from '#kit/errors';

/**
 * Redis strings stop at 512 MB, so a bitmap holds at most 2^32 bits; the memory adapter keeps the
 * same cap so both adapters accept exactly the same options.
 */
export const MAX_BITS = 2 ** 32;

/** Beyond this, extra hash positions cost lookups and buy less than rounding error (p = 2^-30 ≈ 1e-9). */
export const MAX_HASHES = 30;

export interface BloomShape {
  /** m: bits in the bitmap. */
  readonly bits: number;
  /** k: positions set per item. */
  readonly hashes: number;
}

export function bloomShape(expectedItems: number, falsePositiveRate: number): BloomShape {
  if (!Number.isSafeInteger(expectedItems) || expectedItems < 1) throw errors.invalid('expectedItems', 'must be a positive integer');
  if (!(falsePositiveRate > 0 && falsePositiveRate < 1)) throw errors.invalid('falsePositiveRate', 'must be in (0, 1)');
  const bits = Math.ceil((-expectedItems * Math.log(falsePositiveRate)) / (Math.LN2 * Math.LN2));
  if (bits > MAX_BITS) {
    throw errors.invalid('expectedItems', `needs ${bits} bits at this falsePositiveRate; a bitmap holds at most 2^32 (512 MB): split the id space over several filters`);
  }
  const hashes = Math.min(MAX_HASHES, Math.max(1, Math.round((bits / expectedItems) * Math.LN2)));
  return Object.freeze({ bits, hashes });
}
