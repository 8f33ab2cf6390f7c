// The narrow backend a Bloom filter runs on: a bitmap of m bits. Offsets are computed by the
// filter (double-hashing.ts), so every adapter sets and reads the same bits for the same items.
// Bit order is Redis's (offset 0 is the high bit of byte 0), so a memory bitmap and a Redis
// string built from the same items are byte-for-byte equal.

export interface BloomBitmap {
  /** Names the dependency in errors ('memory', 'redis'). */
  readonly name: string;
  /** Sets every offset to 1. */
  setBits(offsets: readonly number[]): Promise<void>;
  /** offsets is a run of groups of groupSize; answers, per group, whether all its bits are 1. */
  testGroups(offsets: readonly number[], groupSize: number): Promise<boolean[]>;
}
