// Hosts service modules, any of them, the same way: opens each module's database (with its
// migrations), builds its context from the shared adapters (cache, outbox, ids, logger, its
// configuration sections and clients for the services it calls), registers its handlers on the
// process's RpcServer, and starts consumers only once every module of the process is registered.
// Nothing here knows one service from another.
import type { Logger } from 'pino';
import type { Registry as MetricsRegistry } from 'prom-client';
import { createCache, type Cache } from '#kit/cache';
import type { Clock } from '#kit/clock';
import { createIdGenerator } from '#kit/ids';
import { createOutbox, type Outbox } from '#kit/outbox';
import type { RpcServer, ServiceDefinition, ServiceImpl } from '#kit/rpc';
import { connectClients, type ClientMaker, type HealthCheck, type ModuleContext, type ServiceModule } from '#kit/service';
import { openServiceDatabase, type QueryEvent } from '#kit/store';
import { isEmbedded, type Config } from './config/index.js';
import { cacheMetrics, readOutboxBacklog } from './metrics.js';
import type { Infrastructure } from './infra.js';

/** Stand-ins for tests and embedders: a hook that sees every SQL statement, and module overrides by name (the user module's `codeSender`). */
export interface HostOverrides {
  onQuery?: (service: string, event: QueryEvent) => void;
  readonly [name: string]: unknown;
}

export interface HostContext {
  config: Config;
  infra: Infrastructure;
  server: RpcServer;
  clock: Clock;
  log: Logger;
  /** The id generator's worker id: from config in one process, claimed from the registry per instance. */
  workerId: number;
  /** Makes a client for a service a module calls: in-process in one process, remote across processes. */
  clients: ClientMaker;
  /** The process's metrics registry: the modules' outboxes, caches and own collectors report there. */
  metrics: MetricsRegistry;
  overrides?: HostOverrides;
}

export interface HostedService {
  name: string;
  checks: HealthCheck[];
  close(): Promise<void>;
}

/** A cache for one service, over the shared store when there is one; with a registry, its store state and fallback loads are metrics. */
export function serviceCache(c: Pick<HostContext, 'config' | 'infra' | 'clock'> & { metrics?: MetricsRegistry }, name: string): Cache {
  const k = c.config.cache;
  return createCache({
    ...(c.metrics ? { onEvent: cacheMetrics(c.metrics) } : {}),
    name,
    store: c.infra.cacheStore,
    ttlMs: k.ttlSeconds * 1000,
    notFoundTtlMs: k.notFoundTtlSeconds * 1000,
    local: k.localMaxEntries > 0 ? { maxEntries: k.localMaxEntries, ttlMs: k.localTtlMs } : false,
    fallback: { ratePerSec: k.fallbackRatePerSec },
    clock: c.clock,
  });
}

/**
 * Hosts every module of the list in this process: all handlers registered first, then every
 * module's consumers. On a failure, what was opened is closed again before the error is thrown.
 */
export async function hostModules(modules: readonly ServiceModule[], c: HostContext): Promise<HostedService[]> {
  const opened: Opened[] = [];
  try {
    for (const module of modules) opened.push(await open(module, c));
    for (const o of opened) o.register();
    for (const o of opened) await o.startConsumers();
  } catch (err) {
    for (const o of opened.reverse()) await o.hosted.close().catch(() => undefined);
    throw err;
  }
  return opened.map((o) => o.hosted);
}

interface Opened {
  hosted: HostedService;
  register(): void;
  startConsumers(): Promise<void>;
}

async function open(module: ServiceModule, c: HostContext): Promise<Opened> {
  const { name } = module;
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const fn of closers.reverse()) await fn();
    closers.length = 0;
  };
  try {
    const onQuery = c.overrides?.onQuery;
    const db = await openServiceDatabase<unknown>({ config: c.infra.database, service: name, migrations: { ...module.migrations }, clock: c.clock, ...(onQuery ? { onQuery: (e: QueryEvent) => onQuery(name, e) } : {}) });
    closers.push(() => db.close());
    const log = c.log.child({ service: name });
    let cache: Cache | undefined;
    let outbox: Outbox | undefined;
    const ctx: ModuleContext = {
      name,
      config: sections(c.config, module.config),
      db,
      cache() {
        if (!cache) {
          const made = (cache = serviceCache(c, name));
          closers.push(() => made.close());
        }
        return cache;
      },
      outbox() {
        if (!outbox) {
          const made = (outbox = createOutbox({ db, queue: c.infra.queue, clock: c.clock, log }));
          const unread = readOutboxBacklog(c.metrics, name, made, c.clock);
          closers.push(async () => {
            unread();
            await made.close();
          });
        }
        return outbox;
      },
      ids: createIdGenerator({ workerId: c.workerId, clock: c.clock }),
      clock: c.clock,
      log,
      queue: c.infra.queue,
      blob: c.infra.blob,
      limitStore: c.infra.limitStore,
      redis: c.infra.redis,
      keyPrefix: c.config.cache.redis.keyPrefix,
      embedded: isEmbedded(c.config),
      clients: await connectClients(module.calls, c.clients),
      metrics: c.metrics,
      overrides: c.overrides ?? {},
      defer: (fn) => void closers.push(fn),
    };
    const handlers = (await module.handlers(ctx)) as ServiceImpl<ServiceDefinition>;
    const checks: HealthCheck[] = [{ name: 'database', check: () => db.ping() }, ...(module.checks?.(ctx) ?? [])];
    return {
      hosted: { name, checks, close },
      register: () => void c.server.register(module.definition, handlers),
      async startConsumers() {
        if (!module.consumers) return;
        const consumers = await module.consumers(ctx);
        // Consumers stop first: nothing they start may outlive the database they write to.
        closers.push(() => consumers.close());
      },
    };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}

/** The configuration sections a module declared, and only those. */
function sections(config: Config, names: readonly string[]): Record<string, unknown> {
  const all = config as unknown as Record<string, unknown>;
  return Object.freeze(Object.fromEntries(names.map((n) => [n, all[n]])));
}
