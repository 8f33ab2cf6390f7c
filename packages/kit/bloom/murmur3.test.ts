import { describe, expect, it } from 'vitest';
import { murmur3x86_128 } from './murmur3.js';

describe('MurmurHash3 x86_128', () => {
  it("passes SMHasher's verification value 0xB3ECE62A (every length 0..255, every tail case)", () => {
    // SMHasher VerificationTest: hash key[0..i) = 0,1,…,i-1 with seed 256 - i for i in 0..255,
    // concatenate the 256 digests, hash that with seed 0; the first word is the verification value.
    const key = Uint8Array.from({ length: 256 }, (_, i) => i);
    const digests = new Uint8Array(16 * 256);
    const out = new Uint32Array(4);
    for (let i = 0; i < 256; i++) {
      murmur3x86_128(key, i, 256 - i, out);
      digests.set(new Uint8Array(out.buffer.slice(0)), i * 16); // little-endian, as the reference writes
    }
    murmur3x86_128(digests, digests.length, 0, out);
    expect(out[0]!.toString(16)).toBe('b3ece62a');
  });

  it('the empty input with seed 0 hashes to zero, and one byte changes every word', () => {
    const out = new Uint32Array(4);
    murmur3x86_128(new Uint8Array(0), 0, 0, out);
    expect([...out]).toEqual([0, 0, 0, 0]);
    const a = new Uint32Array(4);
    const b = new Uint32Array(4);
    murmur3x86_128(new TextEncoder().encode('video:1'), 7, 0, a);
    murmur3x86_128(new TextEncoder().encode('video:2'), 7, 0, b);
    for (let i = 0; i < 4; i++) expect(a[i]).not.toBe(b[i]);
  });
});
