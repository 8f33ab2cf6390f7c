// Registry options: every field optional, defaults filled and checked once, at construction.
import { type Clock, systemClock } from '#kit/clock';
import { errors } from '#kit/errors';
import type { MemoryTable } from './memory-table.js';

export interface EtcdRegistryOptions {
  /** Default '127.0.0.1:2379' (etcd's own default client port). One or more host:port. */
  hosts?: string | string[];
  /** Default '/surge/': keys are <prefix>services/<service>/<id> and <prefix>workers/<service>/<n>. */
  prefix?: string;
  /**
   * Default 10: lease TTL in seconds. A dead instance leaves the lists within this time; a
   * shorter TTL means more keep-alive traffic (one every TTL/3) and more false deaths on a slow
   * network.
   */
  leaseTtlSeconds?: number;
  /** Default 3000: deadline of each unary etcd call, so a dead etcd fails fast instead of hanging. */
  requestTimeoutMs?: number;
  /** Default 200: first delay before retrying a failed re-registration or watch; doubles per failure. */
  retryBaseMs?: number;
  /** Default 3000: cap of that delay, so a registry that comes back is found again within seconds. */
  retryMaxMs?: number;
  /**
   * Default 2 × leaseTtlSeconds: after an outage, instances missing from the resynced list stay
   * this long (unless etcd says they were deleted), so an etcd that lost its data does not empty
   * the clients' lists while instances put their keys back.
   */
  resyncGraceMs?: number;
  /** Default systemClock: keep-alive ticks, back-off and grace timers. */
  clock?: Clock;
  /** Default Math.random: back-off jitter, so instances do not retry in lockstep. */
  random?: () => number;
}

export interface ResolvedEtcdRegistryOptions {
  hosts: string[];
  prefix: string;
  leaseTtlSeconds: number;
  requestTimeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  resyncGraceMs: number;
  clock: Clock;
  random: () => number;
}

export interface MemoryRegistryOptions {
  /** Default a new table. Share one table between registries to model several processes. */
  table?: MemoryTable;
  /** Default 10: after close() without deregister, the instance's entries expire after this long. */
  leaseTtlSeconds?: number;
  /** Default systemClock: the expiry timers. */
  clock?: Clock;
}

export interface ResolvedMemoryRegistryOptions {
  table: MemoryTable | undefined;
  leaseTtlSeconds: number;
  clock: Clock;
}

function positiveInt(field: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw errors.invalid(field, 'must be a positive integer');
  return v;
}

export function resolveEtcdRegistryOptions(options: EtcdRegistryOptions = {}): ResolvedEtcdRegistryOptions {
  const hosts = typeof options.hosts === 'string' ? [options.hosts] : options.hosts ?? ['127.0.0.1:2379'];
  if (!Array.isArray(hosts) || hosts.length === 0 || hosts.some((h) => typeof h !== 'string' || h.trim() === '')) {
    throw errors.invalid('hosts', 'must be one or more non-empty host:port strings');
  }
  const prefix = options.prefix ?? '/surge/';
  if (typeof prefix !== 'string' || !prefix.endsWith('/')) throw errors.invalid('prefix', 'must be a string ending with "/"');
  const leaseTtlSeconds = positiveInt('leaseTtlSeconds', options.leaseTtlSeconds, 10);
  const retryBaseMs = positiveInt('retryBaseMs', options.retryBaseMs, 200);
  const retryMaxMs = positiveInt('retryMaxMs', options.retryMaxMs, 3000);
  if (retryMaxMs < retryBaseMs) throw errors.invalid('retryMaxMs', 'must be at least retryBaseMs');
  return Object.freeze({
    hosts: [...hosts],
    prefix,
    leaseTtlSeconds,
    requestTimeoutMs: positiveInt('requestTimeoutMs', options.requestTimeoutMs, 3000),
    retryBaseMs,
    retryMaxMs,
    resyncGraceMs: positiveInt('resyncGraceMs', options.resyncGraceMs, 2 * leaseTtlSeconds * 1000),
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
  });
}

export function resolveMemoryRegistryOptions(options: MemoryRegistryOptions = {}): ResolvedMemoryRegistryOptions {
  return Object.freeze({
    table: options.table,
    leaseTtlSeconds: positiveInt('leaseTtlSeconds', options.leaseTtlSeconds, 10),
    clock: options.clock ?? systemClock,
  });
}

/** Exponential back-off with "equal jitter": half the delay fixed, half random, capped. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const d = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return d / 2 + (d / 2) * random();
}
