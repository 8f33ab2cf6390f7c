// k bit positions per item by double hashing (Kirsch & Mitzenmacher, "Less Hashing, Same
// Performance: Building a Better Bloom Filter", ESA 2006): g_i(x) = h1(x) + i·h2(x) mod m for
// i = 0..k-1 keeps the filter's asymptotic false-positive rate while hashing each item once.
// h1 and h2 are two 53-bit numbers taken from one MurmurHash3 x86_128 digest (words 1–2 and
// 3–4), so the reduction mod m (m ≤ 2^32) is exact in doubles and nearly unbiased.
import { murmur3x86_128 } from './murmur3.js';
import type { BloomShape } from './sizing.js';

/** An item of the filter. A number is hashed as its decimal string: 42 and '42' are the same item. */
export type BloomItem = string | number;

/** Fixed, so every process (and the Redis and memory adapters) maps an item to the same bits. */
const SEED = 0;

const TWO_POW_21 = 2 ** 21;

/** Turns items into bit offsets. One per filter: it owns scratch buffers, reused across calls. */
export class DoubleHasher {
  private readonly digest = new Uint32Array(4);
  private readonly encoder = new TextEncoder();
  private scratch = new Uint8Array(64);

  constructor(private readonly shape: BloomShape) {}

  /** Writes the k offsets of item into out[at .. at + k). */
  offsets(item: BloomItem, out: number[], at: number): void {
    const length = this.encode(typeof item === 'number' ? String(item) : item);
    murmur3x86_128(this.scratch, length, SEED, this.digest);
    const d = this.digest;
    const m = this.shape.bits;
    const h1 = d[0]! * TWO_POW_21 + (d[1]! >>> 11);
    const h2 = d[2]! * TWO_POW_21 + (d[3]! >>> 11);
    let position = h1 % m;
    // A step of 0 would put all k positions on one bit; 1 is as good as any other step.
    const step = h2 % m || 1;
    for (let i = 0; i < this.shape.hashes; i++) {
      out[at + i] = position;
      position += step;
      if (position >= m) position -= m;
    }
  }

  /** All items' offsets, k per item, in item order. */
  offsetsOf(items: readonly BloomItem[]): number[] {
    const k = this.shape.hashes;
    const out = new Array<number>(items.length * k);
    for (let i = 0; i < items.length; i++) this.offsets(items[i]!, out, i * k);
    return out;
  }

  /** UTF-8 of text into the scratch buffer (grown when too small); returns the byte length. */
  private encode(text: string): number {
    if (text.length * 3 > this.scratch.length) this.scratch = new Uint8Array(text.length * 3);
    return this.encoder.encodeInto(text, this.scratch).written;
  }
}
