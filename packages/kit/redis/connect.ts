// One way to open a Redis connection in Surge: tuned to fail fast while Redis is unreachable
// (so callers can fall back) and to reconnect forever (so Redis coming back is used again
// without a restart).
import { Redis } from 'ioredis';
import { SurgeError, errors } from '#kit/errors';

export interface ConnectRedisOptions {
  /** redis://[user:pass@]host:port/db; wins over host/port/db when given. */
  url?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 6379. */
  port?: number;
  /** Default 0. */
  db?: number;
  /** Prepended by ioredis to every key (not to pub/sub channels). Default none. */
  keyPrefix?: string;
  /** CLIENT SETNAME, shown by CLIENT LIST, so an operator can tell Surge processes apart. */
  name?: string;
  /** Default 1000 ms: a TCP connect that takes longer than this counts as Redis being down. */
  connectTimeoutMs?: number;
  /** Default 1000 ms: a command with no reply by then fails, so a hung Redis cannot stall callers. */
  commandTimeoutMs?: number;
  /** Default 1000 ms: cap of the reconnect back-off, so recovery is noticed within about a second. */
  maxReconnectDelayMs?: number;
  /**
   * Default false: commands issued in one event-loop turn go out in one write (ioredis auto
   * pipelining). For a hot path of many small concurrent commands (a flash sale's buys): one
   * socket write and one reply read per turn instead of one per command.
   */
  autoPipelining?: boolean;
}

interface ResolvedConnectOptions {
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  maxReconnectDelayMs: number;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw errors.invalid(name, 'must be a positive number of milliseconds');
  return value;
}

export function resolveConnectRedisOptions(options: ConnectRedisOptions): ResolvedConnectOptions {
  if (options.port !== undefined && (!Number.isInteger(options.port) || options.port <= 0 || options.port > 65535)) {
    throw errors.invalid('port', 'must be an integer in 1..65535');
  }
  if (options.db !== undefined && (!Number.isInteger(options.db) || options.db < 0)) {
    throw errors.invalid('db', 'must be a non-negative integer');
  }
  return Object.freeze({
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs, 1000),
    commandTimeoutMs: positive('commandTimeoutMs', options.commandTimeoutMs, 1000),
    maxReconnectDelayMs: positive('maxReconnectDelayMs', options.maxReconnectDelayMs, 1000),
  });
}

/**
 * Opens a connection at once (lazyConnect: false). Commands issued while it is not ready
 * reject immediately (no offline queue); await redisReady() first where that matters.
 */
export function connectRedis(options: ConnectRedisOptions = {}): Redis {
  const o = resolveConnectRedisOptions(options);
  const tuning = {
    ...(options.keyPrefix === undefined ? {} : { keyPrefix: options.keyPrefix }),
    ...(options.name === undefined ? {} : { connectionName: options.name }),
    // Fail fast: without these, ioredis queues commands while disconnected and retries
    // each 20 times, so a dead Redis turns every request into a long hang.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: o.connectTimeoutMs,
    commandTimeout: o.commandTimeoutMs,
    // Never give up: exponential back-off from 50 ms, capped, forever.
    retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 10), o.maxReconnectDelayMs),
    lazyConnect: false,
    enableAutoPipelining: options.autoPipelining ?? false,
  };
  const redis = options.url
    ? new Redis(options.url, tuning)
    : new Redis({ host: options.host ?? '127.0.0.1', port: options.port ?? 6379, db: options.db ?? 0, ...tuning });
  // An 'error' event with no listener would crash the process; failures reach callers
  // through their commands instead, so the event itself carries nothing we need.
  redis.on('error', () => {});
  return redis;
}

/** Resolves once the connection is ready; rejects with Unavailable after timeoutMs. */
export function redisReady(redis: Redis, timeoutMs = 5000, dependency = 'redis'): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(errors.unavailable(dependency, new Error(`not ready after ${timeoutMs} ms (status ${redis.status})`)));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}

/** Any Redis failure → SurgeError(Unavailable) naming the dependency, keeping the driver error as cause. */
export function redisErrorToSurge(err: unknown, dependency = 'redis'): SurgeError {
  if (err instanceof SurgeError) return err;
  return errors.unavailable(dependency, err);
}
