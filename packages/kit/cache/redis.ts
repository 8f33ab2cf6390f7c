// Redis CacheStore: GET / MGET / SET PX / a pipeline of SET PX / DEL. Deletes are also
// published on a pub/sub channel, and a second (subscriber) connection hands keys deleted by
// any process to onRemoteDelete listeners, so every process's local tier drops them.
// Every failure leaves as SurgeError(Unavailable) naming the dependency; with connectRedis's
// settings it arrives at once while Redis is unreachable, which is what lets the cache fall back.
import type { Redis } from '#kit/redis';
import { redisErrorToSurge, subscribeArrays, type ArraySubscription } from '#kit/redis';
import { errors } from '#kit/errors';
import type { CacheStore } from './types.js';

export interface RedisCacheStoreOptions {
  /** Required: a connection from connectRedis() (fail-fast settings). The store does not close it. */
  redis: Redis;
  /** Default 'cache:'. Prepended to every key, so the cache shares a Redis with other data safely. */
  keyPrefix?: string;
  /** Default `${keyPrefix}invalidate`. Processes that share keys must share the channel. */
  invalidationChannel?: string;
  /** Default 'redis'. Names the dependency in Unavailable errors (and so in /healthz). */
  name?: string;
}

export interface RedisCacheStore extends CacheStore {
  /** Resolves once remote deletes are being received (after the first onRemoteDelete). */
  subscribed(): Promise<void>;
}

type PipelineResult = [error: Error | null, result: unknown][] | null;

export function createRedisCacheStore(options: RedisCacheStoreOptions): RedisCacheStore {
  const { redis } = options;
  if (!redis) throw errors.invalid('redis', 'a Redis connection is required');
  const prefix = options.keyPrefix ?? 'cache:';
  const channel = options.invalidationChannel ?? `${prefix}invalidate`;
  const name = options.name ?? 'redis';
  const fail = (err: unknown): never => {
    throw redisErrorToSurge(err, name);
  };
  const checkPipeline = (results: PipelineResult) => {
    const failed = results?.find(([err]) => err);
    if (!results || failed) fail(failed?.[0] ?? new Error('pipeline discarded'));
  };

  const listeners: ((keys: readonly string[]) => void)[] = [];
  let subscriber: ArraySubscription | undefined;
  let subscription: Promise<void> = Promise.resolve();

  // Deletes published while the subscriber is disconnected are missed: the local tier's short TTL bounds that.
  const subscribe = () => {
    subscriber = subscribeArrays(redis, channel, (keys) => {
      const list = keys.filter((k): k is string => typeof k === 'string');
      for (const l of listeners) l(list);
    });
    subscription = subscriber.subscribed.catch(fail);
  };

  return {
    name,
    async get(key) {
      const v = await redis.get(prefix + key).catch(fail);
      return v ?? undefined;
    },
    async mget(keys) {
      if (keys.length === 0) return [];
      const values = await redis.mget(keys.map((k) => prefix + k)).catch(fail);
      return values.map((v) => v ?? undefined);
    },
    async set(key, value, ttlMs) {
      await redis.set(prefix + key, value, 'PX', Math.max(1, Math.round(ttlMs))).catch(fail);
    },
    async mset(entries) {
      if (entries.length === 0) return;
      const p = redis.pipeline();
      for (const [key, value, ttlMs] of entries) p.set(prefix + key, value, 'PX', Math.max(1, Math.round(ttlMs)));
      checkPipeline(await p.exec().catch(fail));
    },
    async del(keys) {
      if (keys.length === 0) return;
      const results = await redis
        .pipeline()
        .del(...keys.map((k) => prefix + k))
        .publish(channel, JSON.stringify(keys))
        .exec()
        .catch(fail);
      checkPipeline(results);
    },
    async ping() {
      await redis.ping().catch(fail);
    },
    onRemoteDelete(listener) {
      listeners.push(listener);
      if (!subscriber) subscribe();
    },
    subscribed: () => subscription,
    async close() {
      listeners.length = 0;
      subscriber?.close();
      subscriber = undefined;
    },
  };
}
