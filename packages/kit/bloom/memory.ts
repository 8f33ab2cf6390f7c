// In-process Bloom bitmap: one Uint8Array of ceil(m / 8) bytes, allocated at construction so the
// memory cost is paid (and visible) up front.
import type { BloomBitmap } from './bitmap.js';
import { bloomFilter, resolveBloomShape, type BloomFilter, type BloomOptions } from './bloom.js';

/** Internal; exported for the test that compares it with Redis byte for byte. */
export class MemoryBitmap implements BloomBitmap {
  readonly name = 'memory';
  readonly bytes: Uint8Array;

  constructor(bits: number) {
    this.bytes = new Uint8Array(Math.ceil(bits / 8));
  }

  setBits(offsets: readonly number[]): Promise<void> {
    const bytes = this.bytes;
    for (let i = 0; i < offsets.length; i++) {
      const offset = offsets[i]!;
      bytes[offset >>> 3]! |= 0x80 >>> (offset & 7); // Redis bit order: offset 0 is the high bit
    }
    return Promise.resolve();
  }

  testGroups(offsets: readonly number[], groupSize: number): Promise<boolean[]> {
    const bytes = this.bytes;
    const answers = new Array<boolean>(offsets.length / groupSize);
    for (let g = 0, i = 0; g < answers.length; g++, i += groupSize) {
      let all = true;
      for (let j = i; j < i + groupSize && all; j++) all = (bytes[offsets[j]! >>> 3]! & (0x80 >>> (offsets[j]! & 7))) !== 0;
      answers[g] = all;
    }
    return Promise.resolve(answers);
  }
}

/** A Bloom filter held in this process (embedded mode, or a per-process copy of a fixed id set). */
export function createMemoryBloomFilter(options: BloomOptions): BloomFilter {
  const shape = resolveBloomShape(options);
  return bloomFilter(shape, new MemoryBitmap(shape.bits));
}
