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
import type { BackoffSpec, BackoffTake, BucketSpec, BucketTake, LimitStore, WindowCount } from './store.js';

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

// Back-off steps: the same lines as takeStep / passStep / refundStep in backoff.ts. The state is a
// hash {f failures, at last attempt, u wait until, ok last pass}; times go back as strings.
// ARGV of both: now, free failures, base ms, max wait ms, forget after ms, remember pass ms.
const BACKOFF_HEAD = `
local now = tonumber(ARGV[1])
local free = tonumber(ARGV[2])
local base = tonumber(ARGV[3])
local maxw = tonumber(ARGV[4])
local forget = tonumber(ARGV[5])
local remember = tonumber(ARGV[6])
local function waitfor(f)
  if f < free then return 0 end
  return math.min(maxw, base * 2 ^ (f - free))
end
local s = redis.call('HMGET', KEYS[1], 'f', 'at', 'u', 'ok')
local f = tonumber(s[1]) or 0
local at = tonumber(s[2]) or 0
local u = tonumber(s[3]) or 0
local ok = tonumber(s[4]) or 0`;

const BACKOFF_TAKE_LUA = `${BACKOFF_HEAD}
if f > 0 and now - at >= forget then f = 0; u = 0 end
local passed = 0
if ok > 0 and now - ok < remember then passed = ok end
if now < u then return {0, tostring(u - now), f, tostring(passed)} end
f = f + 1
local w = waitfor(f)
u = 0
if w > 0 then u = now + w end
redis.call('HSET', KEYS[1], 'f', f, 'at', tostring(now), 'u', tostring(u), 'ok', tostring(ok))
local ttl = math.max(forget, u - now, 1)
if ok > 0 then ttl = math.max(ttl, ok + remember - now) end
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return {1, '0', f, tostring(passed)}`;

// ARGV[7]: 'pass' or 'refund'; ARGV[8]: when the settled attempt was taken.
const BACKOFF_SETTLE_LUA = `${BACKOFF_HEAD}
if ARGV[7] == 'pass' then
  redis.call('DEL', KEYS[1])
  if remember > 0 then
    redis.call('HSET', KEYS[1], 'f', 0, 'at', '0', 'u', '0', 'ok', tostring(now))
    redis.call('PEXPIRE', KEYS[1], remember)
  end
  return 1
end
if s[1] == false then return 0 end
f = math.max(0, f - 1)
if at == tonumber(ARGV[8]) then u = 0 end
redis.call('HSET', KEYS[1], 'f', f, 'u', tostring(u))
return 1`;

/** The slice of ioredis this store calls, after defineCommand. */
interface ScriptedRedis {
  surgeLimitWindow(key: string, windowMs: number): Promise<[number, number]>;
  surgeLimitTokens(key: string, rate: number, burst: number, nowMs: number, n: number, ttlMs: number): Promise<[number, string]>;
  surgeBackoffTake(key: string, ...args: number[]): Promise<[number, string, number, string]>;
  surgeBackoffSettle(key: string, ...args: (number | string)[]): Promise<number>;
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

const backoffArgs = (spec: BackoffSpec, nowMs: number): number[] => [nowMs, spec.freeFailures, spec.baseMs, spec.maxWaitMs, spec.forgetAfterMs, spec.rememberPassMs];

export function createRedisLimitStore(options: RedisLimitStoreOptions): LimitStore {
  if (!options.redis) throw errors.invalid('redis', 'a Redis connection is required');
  const probeIntervalMs = options.probeIntervalMs ?? 100;
  if (!Number.isFinite(probeIntervalMs) || probeIntervalMs <= 0) throw errors.invalid('probeIntervalMs', 'must be a positive number');
  const clock = options.clock ?? systemClock;
  const prefix = options.keyPrefix ?? 'limit:';
  const name = options.name ?? 'redis';

  options.redis.defineCommand('surgeLimitWindow', { numberOfKeys: 1, lua: PERIOD_LUA });
  options.redis.defineCommand('surgeLimitTokens', { numberOfKeys: 1, lua: TOKEN_LUA });
  options.redis.defineCommand('surgeBackoffTake', { numberOfKeys: 1, lua: BACKOFF_TAKE_LUA });
  options.redis.defineCommand('surgeBackoffSettle', { numberOfKeys: 1, lua: BACKOFF_SETTLE_LUA });
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
    async takeBackoff(key: string, spec: BackoffSpec, nowMs: number): Promise<BackoffTake> {
      const [allowed, retryAfterMs, failures, passedAt] = await redis.surgeBackoffTake(prefix + key, ...backoffArgs(spec, nowMs)).catch(translate);
      return { allowed: allowed === 1, retryAfterMs: Number(retryAfterMs), failures, passedAt: Number(passedAt) };
    },
    async settleBackoff(key: string, spec: BackoffSpec, outcome: 'pass' | 'refund', nowMs: number, takenAtMs: number): Promise<void> {
      await redis.surgeBackoffSettle(prefix + key, ...backoffArgs(spec, nowMs), outcome, takenAtMs).catch(translate);
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
