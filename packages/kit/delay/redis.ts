// Redis DelayStore: a sorted set of due jobs scored by due time (as Sidekiq's schedule set), and
// a second sorted set of running jobs scored by their claim's
// visibility deadline (the "reliable queue" of the Redis RPOPLPUSH docs, with SQS's visibility
// timeout). Every step is one Lua script (ioredis defineCommand: EVALSHA, reloaded on NOSCRIPT),
// so a claim is atomic across every process sharing the keys: ZRANGEBYSCORE and the move to the
// running set happen together, and two workers never claim one job while both live.
//
// Keys, all under one hash tag {namespace} so a cluster keeps them in one slot:
//   due      ZSET id → due ms              run   ZSET id → visibility deadline ms
//   job      HASH id → record              try   HASH id → claims so far
//   claim    HASH id → current claim token seq   STRING, the token counter
//   dead     ZSET id → burial ms           grave HASH id → "attempts\nreason\n" + record
// A record is "topic\ndueAt\nj|b\n" followed by the body bytes (topics hold no newline).
// Time comes in as ARGV rather than Redis TIME, as in kit/limit, so tests drive it with a
// manual clock; hosts' clocks need only agree roughly (a host behind fires late, not twice).
import type { Redis } from '#kit/redis';
import { redisErrorToSurge } from '#kit/redis';
import { errors } from '#kit/errors';
import type { Claim, ClaimRequest, DeadJob, DelayStore, DelayStoreCounts, JobRecord } from './store.js';

// Trims the dead letters to ARGV[n] (the oldest go). Shared by the claim and bury scripts.
const TRIM_DEAD = `
local function trimDead(maxDead)
  local extra = redis.call('ZCARD', KEYS[7]) - maxDead
  if extra > 0 then
    local gone = redis.call('ZPOPMIN', KEYS[7], extra)
    for i = 1, #gone, 2 do redis.call('HDEL', KEYS[8], gone[i]) end
  end
end`;

// KEYS: due run job try claim seq dead grave. ARGV: id dueAt record.
const SCHEDULE_LUA = `
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
redis.call('HDEL', KEYS[4], ARGV[1])
redis.call('HDEL', KEYS[5], ARGV[1])
redis.call('ZREM', KEYS[7], ARGV[1])
redis.call('HDEL', KEYS[8], ARGV[1])
return 1`;

// KEYS: due run job try claim. ARGV: id.
const CANCEL_LUA = `
local n = redis.call('ZREM', KEYS[1], ARGV[1]) + redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
redis.call('HDEL', KEYS[5], ARGV[1])
return n`;

// KEYS: due run job try claim seq dead grave. ARGV: now limit visibility maxAttempts maxDead.
// First expired claims (the worker died or stalled) go back to due, or to the dead letters when
// that claim was the last attempt; then due jobs move to running under a fresh token.
const CLAIM_LUA = `${TRIM_DEAD}
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local visibility = tonumber(ARGV[3])
local maxAttempts = tonumber(ARGV[4])
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, limit)
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[5], id)
  local tries = tonumber(redis.call('HGET', KEYS[4], id) or '0')
  if tries >= maxAttempts then
    local record = redis.call('HGET', KEYS[3], id)
    if record then
      redis.call('HSET', KEYS[8], id, tries .. '\\nvisibility timeout: attempt ' .. tries .. ' was never settled (the worker died or stalled)\\n' .. record)
      redis.call('ZADD', KEYS[7], now, id)
    end
    redis.call('HDEL', KEYS[3], id)
    redis.call('HDEL', KEYS[4], id)
  else
    redis.call('ZADD', KEYS[1], now, id)
  end
end
trimDead(tonumber(ARGV[5]))
local out = {}
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, limit)
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  local record = redis.call('HGET', KEYS[3], id)
  if record then
    local tries = redis.call('HINCRBY', KEYS[4], id, 1)
    local token = redis.call('INCR', KEYS[6])
    redis.call('HSET', KEYS[5], id, token)
    redis.call('ZADD', KEYS[2], now + visibility, id)
    out[#out + 1] = id
    out[#out + 1] = tostring(token)
    out[#out + 1] = tostring(tries)
    out[#out + 1] = record
  end
end
return out`;

// Every settle starts by checking the claim is still the job's current one.
const HOLDS = `if redis.call('HGET', KEYS[5], ARGV[1]) ~= ARGV[2] then return 0 end`;

// KEYS: due run job try claim. ARGV: id token.
const ACK_LUA = `${HOLDS}
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
redis.call('HDEL', KEYS[5], ARGV[1])
return 1`;

// KEYS: due run job try claim. ARGV: id token at.
const RETRY_LUA = `${HOLDS}
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[5], ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1`;

// KEYS: due run job try claim. ARGV: id token until.
const EXTEND_LUA = `${HOLDS}
redis.call('ZADD', KEYS[2], 'XX', ARGV[3], ARGV[1])
return 1`;

// KEYS: due run job try claim seq dead grave. ARGV: id token now reason maxDead.
const BURY_LUA = `${TRIM_DEAD}
${HOLDS}
local tries = redis.call('HGET', KEYS[4], ARGV[1]) or '0'
local record = redis.call('HGET', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
redis.call('HDEL', KEYS[5], ARGV[1])
if record then
  redis.call('HSET', KEYS[8], ARGV[1], tries .. '\\n' .. ARGV[4] .. '\\n' .. record)
  redis.call('ZADD', KEYS[7], ARGV[3], ARGV[1])
  trimDead(tonumber(ARGV[5]))
end
return 1`;

type Arg = string | number | Buffer;

/** The slice of ioredis this store calls, after defineCommand. */
interface ScriptedRedis {
  surgeDelaySchedule(...args: Arg[]): Promise<number>;
  surgeDelayCancel(...args: Arg[]): Promise<number>;
  surgeDelayClaimBuffer(...args: Arg[]): Promise<Buffer[]>;
  surgeDelayAck(...args: Arg[]): Promise<number>;
  surgeDelayRetry(...args: Arg[]): Promise<number>;
  surgeDelayExtend(...args: Arg[]): Promise<number>;
  surgeDelayBury(...args: Arg[]): Promise<number>;
  zcard(key: string): Promise<number>;
  zrevrange(key: string, start: number, stop: number, withScores: 'WITHSCORES'): Promise<string[]>;
  hmgetBuffer(key: string, ...fields: string[]): Promise<(Buffer | null)[]>;
}

export interface RedisDelayStoreOptions {
  /** Required: a connection from connectRedis() (fail-fast settings). The store does not close it. */
  redis: Redis;
  /**
   * Required: the namespace of the jobs (e.g. 'order'). Schedulers on one namespace share its jobs
   * and must handle all of its topics; give each service its own. Letters, digits, '-' and '.'.
   */
  namespace: string;
  /** Default 'delay:'. Prepended to every key, so jobs share a Redis with other data safely. */
  keyPrefix?: string;
  /** Default 'redis'. Names the dependency in Unavailable errors. */
  name?: string;
  /** Default 10000: dead letters kept, the oldest dropped past it, so a poisoned topic cannot fill Redis. */
  maxDeadLetters?: number;
}

function encodeRecord(job: JobRecord): Buffer {
  return Buffer.concat([Buffer.from(`${job.topic}\n${job.dueAt}\n${job.json ? 'j' : 'b'}\n`), job.body]);
}

/** Splits off `count` newline-ended fields; the rest is the remainder. */
function fields(buf: Buffer, count: number): { parts: string[]; rest: Buffer } {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < count; i++) {
    const end = buf.indexOf(0x0a, start);
    if (end < 0) throw new Error('a delayed job record is malformed');
    parts.push(buf.toString('utf8', start, end));
    start = end + 1;
  }
  return { parts, rest: buf.subarray(start) };
}

function decodeRecord(id: string, buf: Buffer): JobRecord {
  const { parts, rest } = fields(buf, 3);
  return { id, topic: parts[0]!, dueAt: Number(parts[1]), json: parts[2] === 'j', body: new Uint8Array(rest) };
}

const NAMESPACE = /^[A-Za-z0-9.-]{1,100}$/;

class RedisDelayStore implements DelayStore {
  private readonly keys: string[];

  constructor(
    private readonly redis: ScriptedRedis,
    keyPrefix: string,
    namespace: string,
    readonly name: string,
    private readonly maxDead: number,
  ) {
    const base = `${keyPrefix}{${namespace}}:`;
    this.keys = ['due', 'run', 'job', 'try', 'claim', 'seq', 'dead', 'grave'].map((k) => base + k);
  }

  private readonly translate = (err: unknown): never => {
    throw redisErrorToSurge(err, this.name);
  };

  async schedule(job: JobRecord): Promise<void> {
    await this.redis.surgeDelaySchedule(...this.keys, job.id, job.dueAt, encodeRecord(job)).catch(this.translate);
  }

  async cancel(id: string): Promise<boolean> {
    return (await this.redis.surgeDelayCancel(...this.keys.slice(0, 5), id).catch(this.translate)) > 0;
  }

  async claim({ nowMs, limit, visibilityMs, maxAttempts }: ClaimRequest): Promise<Claim[]> {
    const reply = await this.redis.surgeDelayClaimBuffer(...this.keys, nowMs, limit, visibilityMs, maxAttempts, this.maxDead).catch(this.translate);
    const claims: Claim[] = [];
    for (let i = 0; i + 3 < reply.length; i += 4) {
      const id = reply[i]!.toString();
      claims.push({ job: decodeRecord(id, reply[i + 3]!), token: reply[i + 1]!.toString(), attempt: Number(reply[i + 2]!.toString()) });
    }
    return claims;
  }

  async ack(claim: Claim): Promise<boolean> {
    return (await this.redis.surgeDelayAck(...this.keys.slice(0, 5), claim.job.id, claim.token).catch(this.translate)) === 1;
  }

  async retry(claim: Claim, atMs: number): Promise<boolean> {
    return (await this.redis.surgeDelayRetry(...this.keys.slice(0, 5), claim.job.id, claim.token, atMs).catch(this.translate)) === 1;
  }

  async extend(claim: Claim, untilMs: number): Promise<boolean> {
    return (await this.redis.surgeDelayExtend(...this.keys.slice(0, 5), claim.job.id, claim.token, untilMs).catch(this.translate)) === 1;
  }

  async bury(claim: Claim, nowMs: number, reason: string): Promise<boolean> {
    const oneLine = reason.replace(/\s+/g, ' ');
    return (await this.redis.surgeDelayBury(...this.keys, claim.job.id, claim.token, nowMs, oneLine, this.maxDead).catch(this.translate)) === 1;
  }

  async deadLetters(limit: number): Promise<DeadJob[]> {
    const [dead, grave] = [this.keys[6]!, this.keys[7]!];
    const scored = await this.redis.zrevrange(dead, 0, limit - 1, 'WITHSCORES').catch(this.translate);
    if (scored.length === 0) return [];
    const ids = scored.filter((_, i) => i % 2 === 0);
    const graves = await this.redis.hmgetBuffer(grave, ...ids).catch(this.translate);
    const out: DeadJob[] = [];
    graves.forEach((buf, i) => {
      if (!buf) return; // trimmed between the two reads
      const { parts, rest } = fields(buf, 2);
      out.push({ job: decodeRecord(ids[i]!, rest), attempts: Number(parts[0]), reason: parts[1]!, deadAt: Number(scored[2 * i + 1]) });
    });
    return out;
  }

  async counts(): Promise<DelayStoreCounts> {
    const [due, running, dead] = await Promise.all([0, 1, 6].map((k) => this.redis.zcard(this.keys[k]!))).catch(this.translate);
    return { due: due!, running: running!, dead: dead! };
  }
}

export function createRedisDelayStore(options: RedisDelayStoreOptions): DelayStore {
  if (!options?.redis) throw errors.invalid('redis', 'a Redis connection is required');
  if (typeof options.namespace !== 'string' || !NAMESPACE.test(options.namespace)) throw errors.invalid('namespace', "1 to 100 letters, digits, '-' or '.'");
  const maxDead = options.maxDeadLetters ?? 10_000;
  if (!Number.isSafeInteger(maxDead) || maxDead < 0) throw errors.invalid('maxDeadLetters', 'an integer >= 0');
  const redis = options.redis;
  redis.defineCommand('surgeDelaySchedule', { numberOfKeys: 8, lua: SCHEDULE_LUA });
  redis.defineCommand('surgeDelayCancel', { numberOfKeys: 5, lua: CANCEL_LUA });
  redis.defineCommand('surgeDelayClaim', { numberOfKeys: 8, lua: CLAIM_LUA });
  redis.defineCommand('surgeDelayAck', { numberOfKeys: 5, lua: ACK_LUA });
  redis.defineCommand('surgeDelayRetry', { numberOfKeys: 5, lua: RETRY_LUA });
  redis.defineCommand('surgeDelayExtend', { numberOfKeys: 5, lua: EXTEND_LUA });
  redis.defineCommand('surgeDelayBury', { numberOfKeys: 8, lua: BURY_LUA });
  return new RedisDelayStore(redis as unknown as ScriptedRedis, options.keyPrefix ?? 'delay:', options.namespace, options.name ?? 'redis', maxDead);
}
