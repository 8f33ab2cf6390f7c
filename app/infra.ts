// Builds the shared infrastructure adapters from configuration: embedded (in-process, local
// disk) or servers (Redis, NATS JetStream, S3). The only place that knows which is which.
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { connect as connectNats } from '@nats-io/transport-node';
import { createLocalBlobStore, createS3BlobStore, type BlobStore } from '#kit/blob';
import { createMemoryBroadcast, createNatsBroadcast, type Broadcast } from '#kit/broadcast';
import { createRedisCacheStore, type CacheStore } from '#kit/cache';
import { createMemoryLimitStore, createRedisLimitStore, type LimitStore } from '#kit/limit';
import { connectJetStreamQueue, createMemoryQueue, type Queue } from '#kit/queue';
import { connectRedis, type Redis } from '#kit/redis';
import { connectEtcdRegistry, createMemoryRegistry, type Registry } from '#kit/discovery';
import type { DatabaseConfig } from '#kit/store';
import type { HealthCheck } from '#gateway';
import type { Config } from './config/index.js';

export interface Infrastructure {
  /** Absent in embedded mode: caches then keep only their in-process tier. */
  readonly cacheStore: CacheStore | undefined;
  /** The shared Redis connection, for services that keep their own structures there (the feed index); absent in embedded mode. */
  readonly redis: Redis | undefined;
  readonly limitStore: LimitStore;
  readonly queue: Queue;
  readonly blob: BlobStore;
  readonly database: DatabaseConfig;
  /** Where service instances announce themselves and clients find them. */
  readonly registry: Registry;
  /**
   * Fan-out to every gateway instance (the chat room): in process embedded, core NATS on the
   * servers over a connection of its own, opened by the first call (services never need it).
   */
  broadcast(): Promise<Broadcast>;
  readonly checks: HealthCheck[];
  close(): Promise<void>;
}

export async function openInfrastructure(config: Config, log: Logger): Promise<Infrastructure> {
  const closers: (() => Promise<unknown>)[] = [];
  const checks: HealthCheck[] = [];
  const dataDir = resolve(config.dataDir);

  let redis: Redis | undefined;
  if (config.cache.driver === 'redis') {
    redis = connectRedis({ url: config.cache.redis.url, name: 'surge' });
    const r = redis;
    closers.push(() => r.quit().catch(() => r.disconnect()));
  }

  // No shared store in embedded mode: each cache's own LRU tier is the whole cache.
  let cacheStore: CacheStore | undefined;
  if (redis) {
    const store = createRedisCacheStore({ redis, keyPrefix: `${config.cache.redis.keyPrefix}cache:` });
    cacheStore = store;
    closers.push(() => store.close());
    checks.push({ name: 'redis', check: () => store.ping() });
  }

  const limitStore = redis ? createRedisLimitStore({ redis, keyPrefix: `${config.cache.redis.keyPrefix}limit:` }) : createMemoryLimitStore();

  const queue =
    config.queue.driver === 'nats'
      ? await connectJetStreamQueue({ servers: config.queue.nats.servers, namespace: config.queue.nats.namespace, name: 'surge' })
      : createMemoryQueue();
  closers.push(() => queue.close());
  checks.push({ name: config.queue.driver === 'nats' ? 'nats' : 'queue', check: () => queue.ping() });

  const s3 = config.blob.s3;
  const blob =
    config.blob.driver === 's3'
      ? createS3BlobStore({ endpoint: s3.endpoint || undefined, region: s3.region, bucket: s3.bucket, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, forcePathStyle: s3.forcePathStyle, publicBaseUrl: s3.publicBaseUrl || undefined })
      : createLocalBlobStore({ dir: join(dataDir, 'blobs') });
  checks.push({ name: 'blob store', check: () => blob.ping() });

  const database = databaseConfigOf(config);

  const e = config.registry.etcd;
  const registry = config.registry.driver === 'etcd' ? await connectEtcdRegistry({ hosts: e.hosts, prefix: e.prefix, leaseTtlSeconds: e.leaseTtlSeconds }) : createMemoryRegistry();
  closers.push(() => registry.close());
  if (config.registry.driver === 'etcd') checks.push({ name: 'etcd', check: () => registry.ping() });

  let broadcast: Promise<Broadcast> | undefined;
  const openBroadcast = async (): Promise<Broadcast> => {
    const onError = (err: unknown) => log.warn({ err }, 'broadcast: a delivery or subscription failed');
    if (config.queue.driver !== 'nats') return createMemoryBroadcast({ onError });
    // Reconnects forever: a gateway outlives a NATS restart (the chat streams read back what they missed).
    // noEcho: the broadcast hands this process its own messages (kit broadcast/nats.ts).
    const nc = await connectNats({ servers: config.queue.nats.servers, name: 'surge-broadcast', noEcho: true, noAsyncTraces: true, maxReconnectAttempts: -1 });
    const b = createNatsBroadcast({ connection: nc, namespace: config.queue.nats.namespace, onError });
    closers.push(async () => {
      await b.close();
      await nc.close();
    });
    return b;
  };

  log.debug({ database: database.dialect, cache: config.cache.driver, queue: config.queue.driver, blob: config.blob.driver }, 'infrastructure ready');
  return {
    cacheStore,
    redis,
    limitStore,
    queue,
    blob,
    database,
    registry,
    broadcast: () => (broadcast ??= openBroadcast()),
    checks,
    async close() {
      for (const c of closers.reverse()) await c().catch((err: unknown) => log.warn({ err }, 'closing an adapter failed'));
    },
  };
}

/**
 * Where each service's database is, from the configuration: one MariaDB database per service
 * (`<prefix>_<service>`) or one SQLite file per service under `<dataDir>/db`. Hosts and the
 * tools that open a service's database beside a running system (surge admin, surge seed) share it.
 */
export function databaseConfigOf(config: Readonly<Config>, options: { poolSize?: number } = {}): DatabaseConfig {
  const m = config.database.mysql;
  return config.database.driver === 'mysql'
    ? { dialect: 'mysql', host: m.host, port: m.port, user: m.user, password: m.password, databasePrefix: m.databasePrefix, poolSize: options.poolSize ?? m.poolSize, connectTimeoutMs: m.connectTimeoutMs }
    : { dialect: 'sqlite', dir: join(resolve(config.dataDir), 'db') };
}
