// Redis DedupStore: SET key running:<token> PX ttl NX claims, SET key done PX ttl completes, and a
// compare-and-delete script releases only the caller's own claim (a plain DEL after a slow run
// could remove the claim another delivery took once ours expired).
import { errors, SurgeError } from '#kit/errors';
import type { ClaimResult, DedupStore } from './idempotent.js';

/** The slice of an ioredis client this store calls; an ioredis Redis or Cluster fits. */
export interface DedupRedisClient {
  set(key: string, value: string, px: 'PX', ms: number, nx: 'NX'): Promise<'OK' | null>;
  set(key: string, value: string, px: 'PX', ms: number): Promise<'OK'>;
  get(key: string): Promise<string | null>;
  eval(script: string, numKeys: number, ...args: string[]): Promise<unknown>;
}

export interface RedisDedupStoreOptions {
  /** Required: a connected client (the store never closes it; its owner does). */
  client: DedupRedisClient;
  /** Key prefix. Default 'surge:dedup:', so dedup keys are easy to find and never collide with others. */
  prefix?: string;
}

const DONE = 'done';
const RUNNING = 'running:';
const RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

export function createRedisDedupStore(options: RedisDedupStoreOptions): DedupStore {
  const client = options?.client;
  if (!client || typeof client.set !== 'function' || typeof client.eval !== 'function') throw errors.invalid('client', 'an ioredis client');
  const prefix = options.prefix ?? 'surge:dedup:';
  if (typeof prefix !== 'string') throw errors.invalid('prefix', 'a string');
  const ms = (ttl: number) => Math.max(1, Math.ceil(ttl));

  return {
    async claim(key: string, token: string, ttlMs: number): Promise<ClaimResult> {
      const k = prefix + key;
      try {
        // Two tries: the holder's claim may expire between our SET and GET.
        for (let i = 0; i < 2; i++) {
          if ((await client.set(k, RUNNING + token, 'PX', ms(ttlMs), 'NX')) === 'OK') return 'claimed';
          const held = await client.get(k);
          if (held !== null) return held === DONE ? 'done' : 'running';
        }
        return 'running';
      } catch (err) {
        throw fromRedis(err);
      }
    },
    async complete(key: string, ttlMs: number): Promise<void> {
      try {
        await client.set(prefix + key, DONE, 'PX', ms(ttlMs));
      } catch (err) {
        throw fromRedis(err);
      }
    },
    async release(key: string, token: string): Promise<void> {
      try {
        await client.eval(RELEASE, 1, prefix + key, RUNNING + token);
      } catch (err) {
        throw fromRedis(err);
      }
    },
  };
}

// A reply error is Redis refusing a command (a bug); anything else is Redis not answering.
function fromRedis(err: unknown): SurgeError {
  if (err instanceof SurgeError) return err;
  if ((err as { name?: string })?.name === 'ReplyError') return errors.internal(err);
  return errors.unavailable('redis', err);
}
