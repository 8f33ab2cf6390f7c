import { describe, expect, it } from 'vitest';
import { refusalOf } from '#kit/testing';
import { Code } from '#kit/errors';
import { createMemoryBloomFilter } from './index.js';
import { bloomSuite } from './bloom.suite.js';
import { bloomShape } from './sizing.js';
import { MemoryBitmap } from './memory.js';

bloomSuite('memory', { make: async (options) => createMemoryBloomFilter(options) });

describe('bloom sizing', () => {
  it('m = -n ln p / (ln 2)^2 and k = (m / n) ln 2, rounded', () => {
    expect(bloomShape(1_000_000, 0.01)).toEqual({ bits: 9_585_059, hashes: 7 });
    expect(bloomShape(10_000, 0.001)).toEqual({ bits: 143_776, hashes: 10 });
    expect(bloomShape(1, 0.5)).toEqual({ bits: 2, hashes: 1 });
  });

  it('the memory bitmap holds ceil(m / 8) bytes, and a filter reports its shape', () => {
    const filter = createMemoryBloomFilter({ expectedItems: 1_000_000 });
    expect({ bits: filter.bits, hashes: filter.hashes }).toEqual({ bits: 9_585_059, hashes: 7 });
    expect(new MemoryBitmap(filter.bits).bytes.length).toBe(1_198_133);
  });

  it('bad options fail at construction with InvalidArgument naming the option', () => {
    const invalid = (fn: () => unknown, field: string) => expect(refusalOf(fn, Code.InvalidArgument).details?.field).toBe(field);
    invalid(() => createMemoryBloomFilter({ expectedItems: 0 }), 'expectedItems');
    invalid(() => createMemoryBloomFilter({ expectedItems: 1.5 }), 'expectedItems');
    invalid(() => createMemoryBloomFilter({} as never), 'expectedItems');
    invalid(() => createMemoryBloomFilter({ expectedItems: 10, falsePositiveRate: 0 }), 'falsePositiveRate');
    invalid(() => createMemoryBloomFilter({ expectedItems: 10, falsePositiveRate: 1 }), 'falsePositiveRate');
    invalid(() => createMemoryBloomFilter({ expectedItems: 10, falsePositiveRate: Number.NaN }), 'falsePositiveRate');
    // 1e9 items at 1e-6 would need 28.8 Gbit: more than one Redis string (2^32 bits) holds.
    invalid(() => createMemoryBloomFilter({ expectedItems: 1e9, falsePositiveRate: 1e-6 }), 'expectedItems');
  });
});
