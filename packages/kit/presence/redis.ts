// Redis presence, after Centrifugo's Redis presence with user mapping: per room a sorted set
// connection → expiry time and a hash connection → user, plus a hash user → live connection count
// and a hash user → info, so count() is one HLEN and online() reads at most `limit` users.
// Every call is one Lua script (atomic across instances) that first prunes the room's expired
// connections (ZRANGEBYSCORE, then HDEL and a count decrement per connection). Each entry is
// pruned once, so that work is paid once per departed connection, not per read.
//
// Expiry times are the injected clock's wall time, passed in (ARGV) rather than read with Redis
// TIME, so tests drive them with a ManualClock; hosts' clocks need only agree well within ttlMs.
// The room's keys share a hash tag ({room}) for Redis Cluster, and each write re-arms their key
// TTL (2 × ttlMs of Redis time) so a room whose instances all died is removed by Redis too.
import type { Redis } from '#kit/redis';
import { redisErrorToSurge } from '#kit/redis';
import { errors } from '#kit/errors';
import { checkConnIds, checkId, checkMember, decodeInfo, encodeInfo, onlineLimit, resolvePresenceOptions, type PresenceOptions } from './options.js';
import type { OnlineUser, Presence } from './types.js';

// KEYS: expiry zset, conn → user hash, user → count hash, user → info hash. ARGV[1] is always now.
const HEAD = `
local exp, conn, user, info = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local function drop(u)
  if redis.call('HINCRBY', user, u, -1) <= 0 then
    redis.call('HDEL', user, u)
    redis.call('HDEL', info, u)
    return 1
  end
  return 0
end
while true do
  local gone = redis.call('ZRANGEBYSCORE', exp, '-inf', ARGV[1], 'LIMIT', 0, 500)
  if #gone == 0 then break end
  for _, c in ipairs(gone) do
    local u = redis.call('HGET', conn, c)
    if u then
      redis.call('HDEL', conn, c)
      drop(u)
    end
  end
  redis.call('ZREM', exp, unpack(gone))
end
local function keep(ttl)
  for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ttl) end
end`;

// ARGV: now, expiresAt, connId, userId, info JSON, key ttl. Returns 1 when the user came online.
const JOIN_LUA = `${HEAD}
local c, u = ARGV[3], ARGV[4]
local came = 0
local prev = redis.call('HGET', conn, c)
if prev ~= u then
  if prev then drop(prev) end
  redis.call('HSET', conn, c, u)
  if redis.call('HINCRBY', user, u, 1) == 1 then came = 1 end
end
redis.call('ZADD', exp, ARGV[2], c)
redis.call('HSET', info, u, ARGV[5])
keep(ARGV[6])
return came`;

// ARGV: now, connId. Returns 1 when it was the user's last connection.
const LEAVE_LUA = `${HEAD}
local u = redis.call('HGET', conn, ARGV[2])
if not u then return 0 end
redis.call('HDEL', conn, ARGV[2])
redis.call('ZREM', exp, ARGV[2])
return drop(u)`;

// ARGV: now, expiresAt, key ttl, connIds… Returns the ids that are not there.
const REFRESH_LUA = `${HEAD}
local missing = {}
for i = 4, #ARGV do
  if redis.call('ZSCORE', exp, ARGV[i]) then
    redis.call('ZADD', exp, ARGV[2], ARGV[i])
  else
    missing[#missing + 1] = ARGV[i]
  end
end
if #missing < #ARGV - 3 then keep(ARGV[3]) end
return missing`;

// ARGV: now, limit. Returns userId, info pairs: at most limit users, read with HSCAN pages of
// about limit, so a room of any size costs about limit entries.
const ONLINE_LUA = `${HEAD}
local limit = tonumber(ARGV[2])
local out, seen, n, cursor = {}, {}, 0, '0'
repeat
  local page = redis.call('HSCAN', info, cursor, 'COUNT', limit)
  cursor = page[1]
  local kv = page[2]
  for i = 1, #kv, 2 do
    if n >= limit then break end
    if not seen[kv[i]] then
      seen[kv[i]] = true
      n = n + 1
      out[#out + 1] = kv[i]
      out[#out + 1] = kv[i + 1]
    end
  end
until cursor == '0' or n >= limit
return out`;

// ARGV: now.
const COUNT_LUA = `${HEAD}
return redis.call('HLEN', user)`;

/** The slice of ioredis this store calls, after defineCommand. */
interface ScriptedRedis {
  surgePresenceJoin(exp: string, conn: string, user: string, info: string, ...args: (string | number)[]): Promise<number>;
  surgePresenceLeave(exp: string, conn: string, user: string, info: string, ...args: (string | number)[]): Promise<number>;
  surgePresenceRefresh(exp: string, conn: string, user: string, info: string, ...args: (string | number)[]): Promise<string[]>;
  surgePresenceOnline(exp: string, conn: string, user: string, info: string, ...args: (string | number)[]): Promise<string[]>;
  surgePresenceCount(exp: string, conn: string, user: string, info: string, now: number): Promise<number>;
}

export interface RedisPresenceOptions extends PresenceOptions {
  /** Required: a connection from connectRedis() (fail-fast settings). The store does not close it. */
  redis: Redis;
  /** Default 'presence:'. Prepended to every key; instances that share rooms share the prefix. */
  keyPrefix?: string;
  /** Default 'redis'. Names the dependency in Unavailable errors. */
  name?: string;
}

export function createRedisPresence(options: RedisPresenceOptions): Presence {
  if (!options?.redis) throw errors.invalid('redis', 'a Redis connection is required');
  const { ttlMs, clock } = resolvePresenceOptions(options);
  const prefix = options.keyPrefix ?? 'presence:';
  const name = options.name ?? 'redis';
  const keyTtlMs = 2 * ttlMs;
  options.redis.defineCommand('surgePresenceJoin', { numberOfKeys: 4, lua: JOIN_LUA });
  options.redis.defineCommand('surgePresenceLeave', { numberOfKeys: 4, lua: LEAVE_LUA });
  options.redis.defineCommand('surgePresenceRefresh', { numberOfKeys: 4, lua: REFRESH_LUA });
  options.redis.defineCommand('surgePresenceOnline', { numberOfKeys: 4, lua: ONLINE_LUA });
  options.redis.defineCommand('surgePresenceCount', { numberOfKeys: 4, lua: COUNT_LUA });
  const redis = options.redis as unknown as ScriptedRedis;
  const fail = (err: unknown): never => {
    throw redisErrorToSurge(err, name);
  };
  const keys = (room: string): [string, string, string, string] => {
    const base = `${prefix}{${room}}:`;
    return [`${base}exp`, `${base}conn`, `${base}user`, `${base}info`];
  };

  return {
    name,
    ttlMs,
    refreshEveryMs: Math.floor(ttlMs / 3),
    async join(room, member) {
      checkId('room', room);
      checkMember(member);
      const info = encodeInfo(member.info);
      const now = clock.now();
      const came = await redis.surgePresenceJoin(...keys(room), now, now + ttlMs, member.connId, member.userId, info, keyTtlMs).catch(fail);
      return { cameOnline: came === 1 };
    },
    async leave(room, connId) {
      checkId('room', room);
      checkId('connId', connId);
      const went = await redis.surgePresenceLeave(...keys(room), clock.now(), connId).catch(fail);
      return { wentOffline: went === 1 };
    },
    async refresh(room, connIds) {
      checkId('room', room);
      checkConnIds(connIds);
      if (connIds.length === 0) return [];
      const now = clock.now();
      return redis.surgePresenceRefresh(...keys(room), now, now + ttlMs, keyTtlMs, ...connIds).catch(fail);
    },
    async online(room, options) {
      checkId('room', room);
      const limit = onlineLimit(options);
      const pairs = await redis.surgePresenceOnline(...keys(room), clock.now(), limit).catch(fail);
      const users: OnlineUser[] = [];
      for (let i = 0; i < pairs.length; i += 2) {
        const info = decodeInfo(pairs[i + 1]!);
        users.push(info === undefined ? { userId: pairs[i]! } : { userId: pairs[i]!, info });
      }
      return users;
    },
    async count(room) {
      checkId('room', room);
      return redis.surgePresenceCount(...keys(room), clock.now()).catch(fail);
    },
  };
}
