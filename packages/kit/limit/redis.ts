// Redis LimitStore: one Lua script per algorithm step, registered with ioredis defineCommand
// (EVALSHA, reloaded on NOSCRIPT), so each step is atomic across every process sharing Redis.
// Time is passed in (ARGV) rather than read with Redis TIME, so tests can drive it with a
// manual clock; hosts' clocks only need to agree roughly (a clock behind refills nothing).
import type { Redis } from '#kit/redis';
import { redisErrorToSurge } from '#kit/redis';
import { type Clock, systemClock } from '#kit/clock';
import { errors } from '#kit/errors';
import { withFallback } from './failover.js';
import { createMemoryLimitStore } from './memory.js';
import { bucketTtlMs } from './token-bucket.js';
import type { BucketSpec, BucketTake, LimitStore, WindowCount } from './store.js';

// Period step: count, start the window on the first take, report time left.
// The PTTL guard re-arms a counter that somehow lost its expiry, so it cannot block a key forever.
const PERIOD_LUA = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}`;

// Token bucket step: the same lines as refillAndTake() in token-bucket.ts.
// ARGV: rate per second, burst, now ms, n, ttl ms. Tokens go back as a string (Lua numbers
// returned to Redis are truncated to integers).
const TOKEN_LUA = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local n = tonumber(ARGV[4])
local s = redis.call('HMGET', KEYS[1], 't', 'at')
local tokens = tonumber(s[1])
local at = tonumber(s[2])
if tokens == nil or at == nil then tokens = burst; at = now end
local elapsed = math.max(0, now - at)
tokens = math.min(burst, tokens + elapsed * rate / 1000)
local allowed = 0
if tokens >= n then tokens = tokens - n; allowed = 1 end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'at', tostring(math.max(now, at)))
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return {allowed, tostring(tokens)}`;

/** The slice of ioredis this store calls, after defineCommand. */
interface ScriptedRedis {
  surgeLimitWindow(key: string, windowMs: number): Promise<[number, number]>;
  surgeLimitTokens(key: string, rate: number, burst: number, nowMs: number, n: number, ttlMs: number): Promise<[number, string]>;
  ping(): Promise<string>;
}

export interface RedisLimitStoreOptions {
  /** Required: a connection from connectRedis() (fail-fast settings). The store does not close it. */
  redis: Redis;
  /** Default 'limit:'. Prepended to every key, so limits share a Redis with other data safely. */
  keyPrefix?: string;
  /** Default 'redis'. Names the dependency in Unavailable errors. */
  name?: string;
  /**
   * Default an in-process memory store: on a Redis failure, answer from it and probe Redis to
   * switch back (see failover.ts and period-limit.ts for why). false: let failures reach callers
   * as SurgeError(Unavailable).
   */
  fallback?: LimitStore | false;
  /** Default 100 ms (as go-zero): how often to probe Redis while answering from the fallback. */
  probeIntervalMs?: number;
  /** Default systemClock; drives the probe timer and the default fallback store. */
  clock?: Clock;
}

export function createRedisLimitStore(options: RedisLimitStoreOptions): LimitStore {
  if (!options.redis) throw errors.invalid('redis', 'a Redis connection is required');
  const probeIntervalMs = options.probeIntervalMs ?? 100;
  if (!Number.isFinite(probeIntervalMs) || probeIntervalMs <= 0) throw errors.invalid('probeIntervalMs', 'must be a positive number');
  const clock = options.clock ?? systemClock;
  const prefix = options.keyPrefix ?? 'limit:';
  const name = options.name ?? 'redis';

  options.redis.defineCommand('surgeLimitWindow', { numberOfKeys: 1, lua: PERIOD_LUA });
  options.redis.defineCommand('surgeLimitTokens', { numberOfKeys: 1, lua: TOKEN_LUA });
  const redis = options.redis as unknown as ScriptedRedis;
  const translate = (err: unknown) => {
    throw redisErrorToSurge(err, name);
  };

  const store: LimitStore = {
    name,
    async incrementWindow(key: string, windowMs: number): Promise<WindowCount> {
      const [count, ttl] = await redis.surgeLimitWindow(prefix + key, windowMs).catch(translate);
      return { count, resetInMs: ttl };
    },
    async takeTokens(key: string, bucket: BucketSpec, n: number, nowMs: number): Promise<BucketTake> {
      const ttl = bucketTtlMs(bucket.ratePerSec, bucket.burst);
      const [allowed, tokens] = await redis
        .surgeLimitTokens(prefix + key, bucket.ratePerSec, bucket.burst, nowMs, n, ttl)
        .catch(translate);
      return { allowed: allowed === 1, tokens: Number(tokens) };
    },
    async ping() {
      await redis.ping().catch(translate);
    },
    // The connection belongs to the caller, who may share it; nothing else to release.
    async close() {},
  };
  const fallback = options.fallback ?? createMemoryLimitStore({ clock });
  return fallback === false ? store : withFallback(store, fallback, { clock, probeIntervalMs });
}
