// Redis Bloom bitmap: one string per filter, SETBIT/GETBIT in a Lua script per chunk of items
// (registered with ioredis defineCommand: EVALSHA, reloaded on NOSCRIPT), so a batch is one round
// trip and every process sharing Redis sees the same bits. The offsets are computed here, not in
// Lua, so Redis and the memory adapter answer identically. Beside the bitmap a small key records
// the shape (m:k); a process configured with another n or p would read the wrong bits and give
// false negatives, so each script checks the shape first and the call fails instead.
import type { Redis } from '#kit/redis';
import { redisErrorToSurge } from '#kit/redis';
import { Code, SurgeError, errors } from '#kit/errors';
import type { BloomBitmap } from './bitmap.js';
import { bloomFilter, resolveBloomShape, type BloomFilter, type BloomOptions } from './bloom.js';
import type { BloomShape } from './sizing.js';

// KEYS: bitmap, shape. ARGV: shape, offsets…  Returns 1, or the stored shape when it differs.
const SET_LUA = `
local shape = redis.call('GET', KEYS[2])
if shape == false then redis.call('SET', KEYS[2], ARGV[1])
elseif shape ~= ARGV[1] then return shape end
for i = 2, #ARGV do redis.call('SETBIT', KEYS[1], ARGV[i], 1) end
return 1`;

// KEYS: bitmap, shape. ARGV: shape, k, offsets (k per item)…  Returns {1, hit per item…}, or
// {stored shape} when it differs. Stops reading an item's bits at its first 0.
const TEST_LUA = `
local shape = redis.call('GET', KEYS[2])
if shape ~= false and shape ~= ARGV[1] then return {shape} end
local k = tonumber(ARGV[2])
local out = {1}
for i = 3, #ARGV, k do
  local hit = 1
  for j = i, i + k - 1 do
    if redis.call('GETBIT', KEYS[1], ARGV[j]) == 0 then hit = 0; break end
  end
  out[#out + 1] = hit
end
return out`;

/** The slice of ioredis this adapter calls, after defineCommand. */
interface ScriptedRedis {
  surgeBloomSet(bitmapKey: string, shapeKey: string, shape: string, ...offsets: number[]): Promise<1 | string>;
  surgeBloomTest(bitmapKey: string, shapeKey: string, shape: string, k: number, ...offsets: number[]): Promise<[1, ...(0 | 1)[]] | [string]>;
}

export interface RedisBloomOptions extends BloomOptions {
  /** Required: a connection from connectRedis() (fail-fast settings). The filter does not close it. */
  redis: Redis;
  /** Required: names the filter ('video-ids'); processes using the same key share the bits. */
  key: string;
  /** Default 'bloom:'. Prepended to the key, so filters share a Redis with other data safely. */
  keyPrefix?: string;
  /** Default 'redis'. Names the dependency in Unavailable errors. */
  name?: string;
  /**
   * Default 1000: items per Lua call. A script blocks Redis while it runs; 1000 items at k ≈ 7
   * are about 7,000 bit operations, well under a millisecond. Larger batches go as several calls
   * in one pipeline (not atomic together, which a Bloom filter does not need).
   */
  maxItemsPerCall?: number;
}

class RedisBitmap implements BloomBitmap {
  private readonly shapeText: string;
  private readonly hashes: number;

  constructor(
    private readonly redis: ScriptedRedis,
    private readonly bitmapKey: string,
    private readonly shapeKey: string,
    shape: BloomShape,
    private readonly maxItemsPerCall: number,
    readonly name: string,
  ) {
    this.shapeText = `${shape.bits}:${shape.hashes}`;
    this.hashes = shape.hashes;
  }

  async setBits(offsets: readonly number[]): Promise<void> {
    const perCall = this.maxItemsPerCall * this.hashes;
    const calls = [];
    for (let i = 0; i < offsets.length; i += perCall) {
      calls.push(this.redis.surgeBloomSet(this.bitmapKey, this.shapeKey, this.shapeText, ...offsets.slice(i, i + perCall)));
    }
    for (const answer of await this.settle(calls)) if (answer !== 1) throw this.shapeMismatch(answer);
  }

  async testGroups(offsets: readonly number[], groupSize: number): Promise<boolean[]> {
    const perCall = this.maxItemsPerCall * groupSize;
    const calls = [];
    for (let i = 0; i < offsets.length; i += perCall) {
      calls.push(this.redis.surgeBloomTest(this.bitmapKey, this.shapeKey, this.shapeText, groupSize, ...offsets.slice(i, i + perCall)));
    }
    const answers: boolean[] = [];
    for (const [status, ...hits] of await this.settle(calls)) {
      if (status !== 1) throw this.shapeMismatch(status);
      for (const hit of hits) answers.push(hit === 1);
    }
    return answers;
  }

  /** Waits for every chunk (none left running), then reports the first failure as Unavailable. */
  private async settle<T>(calls: Promise<T>[]): Promise<T[]> {
    const results = await Promise.allSettled(calls);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw redisErrorToSurge(failed.reason, this.name);
    return results.map((r) => (r as PromiseFulfilledResult<T>).value);
  }

  private shapeMismatch(stored: unknown): SurgeError {
    return new SurgeError(
      Code.FailedPrecondition,
      `bloom filter ${this.bitmapKey} was built as m:k ${String(stored)}, this process is configured for ${this.shapeText}: use the same expectedItems and falsePositiveRate everywhere, or a new key`,
      { details: { stored: String(stored), configured: this.shapeText } },
    );
  }
}

/** A Bloom filter shared by every process on the same Redis and key (server mode). */
export function createRedisBloomFilter(options: RedisBloomOptions): BloomFilter {
  const shape = resolveBloomShape(options);
  if (!options.redis) throw errors.invalid('redis', 'a Redis connection is required');
  if (typeof options.key !== 'string' || options.key === '') throw errors.invalid('key', 'must be a non-empty string');
  const maxItemsPerCall = options.maxItemsPerCall ?? 1000;
  if (!Number.isInteger(maxItemsPerCall) || maxItemsPerCall < 1) throw errors.invalid('maxItemsPerCall', 'must be a positive integer');
  // The hash tag keeps the bitmap and its shape in one slot, so the two-key scripts run on Redis Cluster.
  const base = `${options.keyPrefix ?? 'bloom:'}{${options.key}}`;
  options.redis.defineCommand('surgeBloomSet', { numberOfKeys: 2, lua: SET_LUA });
  options.redis.defineCommand('surgeBloomTest', { numberOfKeys: 2, lua: TEST_LUA });
  const redis = options.redis as unknown as ScriptedRedis;
  return bloomFilter(shape, new RedisBitmap(redis, base, `${base}:shape`, shape, maxItemsPerCall, options.name ?? 'redis'));
}
