// A service as one value: everything a host needs to run it, whatever the process shape (all
// services in one process, one per process, any mix). Compare go-zero's ServiceGroup, Moleculer's
// service schema and NestJS modules: the host is generic, the module says what it is.
//
// Life cycle, as every host runs it:
//   1. the host opens the module's database (with `migrations`) and builds its context;
//   2. `handlers(ctx)` returns the RPC handlers, registered under `definition` (every module of
//      the process is registered before any consumer starts, so a consumer may call any of them);
//   3. `consumers(ctx)`, when present, subscribes to the topics the module consumes;
//   4. on close: consumers, then whatever the module deferred, then cache, outbox and database.
import type { Registry as MetricsRegistry } from 'prom-client';
import type { Logger } from 'pino';
import type { BlobStore } from '#kit/blob';
import type { Cache } from '#kit/cache';
import type { Clock } from '#kit/clock';
import { errors } from '#kit/errors';
import type { LimitStore } from '#kit/limit';
import type { Outbox } from '#kit/outbox';
import type { Topic } from '#kit/queue';
import type { Queue } from '#kit/queue';
import type { Redis } from '#kit/redis';
import type { ServiceDefinition, ServiceImpl } from '#kit/rpc';
import type { Migration, ServiceDatabase } from '#kit/store';
import { serviceNameOf, type Calls, type Clients } from './calls.js';

/** A dependency a health page reports on. */
export interface HealthCheck {
  /** As an operator knows it: database, redis, the video service. */
  name: string;
  /** Resolves when healthy; rejects with the reason otherwise. */
  check(): Promise<void>;
}

/** Something started that must be stopped: consumers, timers, connections. */
export interface Closable {
  close(): Promise<void>;
}

/** What the host gives a module: its own database and cache, the shared adapters, its clients. */
export interface ModuleContext<DB = unknown, S = unknown, C extends Calls = Calls> {
  /** The module's name (its registry name). */
  readonly name: string;
  /** The configuration sections the module declared it reads, validated by the host's schema. */
  readonly config: S;
  /** The module's own database, migrated with its migrations. */
  readonly db: ServiceDatabase<DB>;
  /** The module's cache (named after it), over the shared store when there is one; made on first use. */
  cache(): Cache;
  /** An outbox over the module's database (it publishes events), made on first use. */
  outbox(): Outbox;
  /** Snowflake ids from the process's worker id (claimed from the registry per instance). */
  readonly ids: { next(): number };
  readonly clock: Clock;
  /** The process's logger, bound to `service: name`. */
  readonly log: Logger;
  readonly queue: Queue;
  readonly blob: BlobStore;
  /** Counters for limits and back-offs, shared by every instance when there is Redis. */
  readonly limitStore: LimitStore;
  /** The shared Redis, for structures a module keeps there itself; absent in embedded mode. */
  readonly redis: Redis | undefined;
  /** Prefix for the module's own Redis keys (the system's namespace). */
  readonly keyPrefix: string;
  /** Embedded mode (one process, in-process adapters, local disk). */
  readonly embedded: boolean;
  /** One typed client per service the module declared in `calls`. */
  readonly clients: Clients<C>;
  /** The process's metrics registry, where the module's own collectors register (they appear on its /metrics). */
  readonly metrics: MetricsRegistry;
  /** Stand-ins given by tests and embedders (e.g. an SMS sender), by name; empty otherwise. */
  readonly overrides: Readonly<Record<string, unknown>>;
  /** Registers something to close when the module closes (closed in reverse order). */
  defer(close: () => Promise<unknown>): void;
}

export interface ServiceModule<D extends ServiceDefinition = ServiceDefinition, DB = any, S = any, C extends Calls = Calls> {
  /** Hosted, registered and found under this name: the contract's package (serviceNameOf). */
  readonly name: string;
  /** The generated RPC definition it serves. */
  readonly definition: D;
  /** Its database's migrations (the outbox's tables included when it publishes). */
  readonly migrations: Readonly<Record<string, Migration>>;
  /** The configuration sections it reads (ctx.config has exactly these). */
  readonly config: readonly (keyof S & string)[];
  /** The services it calls, by their generated definitions. */
  readonly calls: C;
  /** Names of the topics it publishes (through its outbox) and consumes; declared as topic values. */
  readonly publishes: readonly string[];
  readonly consumes: readonly string[];
  /** Builds the RPC handlers. */
  handlers(ctx: ModuleContext<DB, S, C>): Promise<ServiceImpl<D>> | ServiceImpl<D>;
  /** Starts its event consumers, once every module of the process is registered. */
  consumers?(ctx: ModuleContext<DB, S, C>): Promise<Closable>;
  /** Health checks beyond its database's (the host adds that one). */
  checks?(ctx: ModuleContext<DB, S, C>): HealthCheck[];
}

/** What a module value is given: the module without its name, which the contract decides. */
export type ServiceModuleSpec<D extends ServiceDefinition, DB, S, C extends Calls> = Omit<ServiceModule<D, DB, S, C>, 'name' | 'publishes' | 'consumes' | 'calls' | 'config'> &
  Partial<Pick<ServiceModule<D, DB, S, C>, 'calls' | 'config'>> & {
    /** The typed topics (#kit/events defineTopic) it publishes through its outbox. */
    publishes?: readonly Topic<any>[];
    /** The typed topics its consumers subscribe to. */
    consumes?: readonly Topic<any>[];
  };

/**
 * A module value, checked and frozen. The name comes from the contract, so the module, its
 * callers and the registry can never disagree; a module calling itself is refused here, not on
 * its first call.
 */
export function defineServiceModule<D extends ServiceDefinition, DB = unknown, S = Record<never, never>, C extends Calls = Record<never, never>>(
  spec: ServiceModuleSpec<D, DB, S, C>,
): ServiceModule<D, DB, S, C> {
  const name = serviceNameOf(spec.definition);
  const calls = (spec.calls ?? {}) as C;
  for (const [key, definition] of Object.entries(calls)) {
    if (definition.fullName === spec.definition.fullName) throw errors.invalid(`${name}.calls.${key}`, 'a module calls its own handlers directly, not through a client');
  }
  return Object.freeze({ ...spec, name, calls: Object.freeze({ ...calls }), config: Object.freeze([...(spec.config ?? [])]), publishes: topicNames(spec.publishes), consumes: topicNames(spec.consumes) }) as ServiceModule<D, DB, S, C>;
}

/**
 * A list of modules, checked: names unique, and every call answered by a module of the list or
 * by a contract in `elsewhere` (services listed but hosted by other processes): a call to a
 * service nobody hosts is a wiring mistake, found at start-up.
 */
export function checkModules(modules: readonly ServiceModule[], elsewhere: readonly ServiceDefinition[] = []): readonly ServiceModule[] {
  const byName = new Map<string, ServiceModule>();
  for (const m of modules) {
    if (byName.has(m.name)) throw errors.invalid('modules', `two modules are named "${m.name}"`);
    byName.set(m.name, m);
  }
  // One publisher per topic: its events.ts is the one definition consumers read the type from.
  const publisherOf = new Map<string, string>();
  for (const m of modules) {
    for (const topic of m.publishes) {
      const other = publisherOf.get(topic);
      if (other !== undefined && other !== m.name) throw errors.invalid(`${m.name}.publishes`, `${topic} is already published by ${other}; a topic has one publisher`);
      publisherOf.set(topic, m.name);
    }
  }
  for (const m of modules) {
    for (const [key, definition] of Object.entries(m.calls)) {
      const callee = byName.get(serviceNameOf(definition))?.definition ?? elsewhere.find((d) => d.fullName === definition.fullName);
      if (!callee || callee.fullName !== definition.fullName) throw errors.invalid(`${m.name}.calls.${key}`, `no module in the list serves ${definition.fullName}`);
    }
  }
  return Object.freeze([...modules]);
}

function topicNames(topics: readonly Topic<any>[] | undefined): readonly string[] {
  return Object.freeze((topics ?? []).map((topic) => topic.name));
}
