// Public door of presence: who is online in a room across instances, one entry per connection
// that expires unless refreshed, users counted once; in-process or in Redis.
export type { Presence, PresenceMember, PresenceInfo, OnlineUser, OnlineOptions } from './types.js';
export { resolvePresenceOptions, type PresenceOptions } from './options.js';
export { createMemoryPresence, type MemoryPresenceOptions } from './memory.js';
export { createRedisPresence, type RedisPresenceOptions } from './redis.js';
