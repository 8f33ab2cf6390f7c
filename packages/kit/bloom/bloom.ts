// A Bloom filter over a BloomBitmap: "no" is certain, "maybe" is wrong at rate p. In front of a
// cache it stops penetration on id spaces: a lookup of an id that was never added answers "no"
// without touching the cache or the database, so a flood of made-up ids costs nothing downstream.
// Failure policy: the Redis adapter fails with SurgeError(Unavailable) and decides nothing
// itself. A guard in front of a cache should then let the lookup through (treat it as "maybe"):
// the cache and its not-found placeholder still stop penetration, only less cheaply, whereas
// answering "no" would hide rows that exist. Items added while Redis is down are lost to the
// filter (false negatives later), so writers should retry the add or rebuild the filter.
import { errors } from '#kit/errors';
import type { BloomBitmap } from './bitmap.js';
import { DoubleHasher, type BloomItem } from './double-hashing.js';
import { bloomShape, type BloomShape } from './sizing.js';

export interface BloomFilter {
  /** m, from expectedItems and falsePositiveRate (see sizing.ts). */
  readonly bits: number;
  /** k, the bits set per item. */
  readonly hashes: number;
  add(item: BloomItem): Promise<void>;
  /** One round trip per batch on Redis (chunked, see RedisBloomOptions.maxItemsPerCall). */
  addMany(items: readonly BloomItem[]): Promise<void>;
  /** false: item was certainly never added. true: it was, or this is a false positive (rate p). */
  mightContain(item: BloomItem): Promise<boolean>;
  /** Answers in item order. */
  mightContainMany(items: readonly BloomItem[]): Promise<boolean[]>;
}

export interface BloomOptions {
  /**
   * Required: n, how many items the filter will hold (the id space: videos, users). Past n the
   * false-positive rate climbs above p, so size for growth.
   */
  expectedItems: number;
  /**
   * Default 0.01: p, the false-positive rate at n items. 1% of unknown ids still reach the cache,
   * at 9.6 bits (1.2 bytes) per item: 1.2 MB per million ids.
   */
  falsePositiveRate?: number;
}

/** Fills defaults and checks options at construction; throws SurgeError(InvalidArgument). */
export function resolveBloomShape(options: BloomOptions): BloomShape {
  if (!options || options.expectedItems === undefined) throw errors.invalid('expectedItems', 'is required: how many items the filter will hold');
  return bloomShape(options.expectedItems, options.falsePositiveRate ?? 0.01);
}

export function bloomFilter(shape: BloomShape, bitmap: BloomBitmap): BloomFilter {
  const hasher = new DoubleHasher(shape);
  const k = shape.hashes;
  return Object.freeze({
    bits: shape.bits,
    hashes: k,
    add: (item: BloomItem) => bitmap.setBits(hasher.offsetsOf([item])),
    addMany: async (items: readonly BloomItem[]) => {
      if (items.length) await bitmap.setBits(hasher.offsetsOf(items));
    },
    mightContain: async (item: BloomItem) => (await bitmap.testGroups(hasher.offsetsOf([item]), k))[0]!,
    mightContainMany: async (items: readonly BloomItem[]) => (items.length ? bitmap.testGroups(hasher.offsetsOf(items), k) : []),
  });
}
