// Coordinator options: every field documented with its default and reason, filled and checked
// once at construction (SurgeError InvalidArgument naming the field), then frozen.
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { systemClock, type Clock } from '#kit/clock';
import { errors } from '#kit/errors';
import type { ServiceDatabase } from '#kit/store';
import { checkRefPart } from './barrier.js';
import type { SagaDefinition } from './definition.js';

export interface SagaRetryOptions {
  /** Default 200 ms: the first back-off after a transient failure (a blip of a callee's restart). */
  baseMs?: number;
  /** Default 10000 ms: the longest back-off; each failure doubles it up to this. */
  maxMs?: number;
  /**
   * Default 8: calls of one operation (an action or a compensation) before the transaction is
   * marked stuck for an operator. With the defaults the last call comes 11 s to 23 s after the
   * first: past a service restart or a database failover, short of hiding a real outage.
   */
  maxAttempts?: number;
}

export interface SagaCoordinatorOptions {
  /** Required: the coordinator's own database, migrated with sagaMigrations. */
  db: ServiceDatabase<any>;
  /** Required: every saga this instance runs or resumes; each instance of a service gets the same list. */
  sagas: readonly SagaDefinition<any>[];
  /**
   * Required: this instance's name, unique among the instances sharing the database (a registry
   * instance id, or host:pid); stamped on the transactions it drives. 1–64 of A-Z a-z 0-9 . _ : -.
   */
  owner: string;
  /** Required: stuck transactions and store failures are logged here, with the gid. */
  log: Logger;
  /** Default systemClock: leases, back-offs, polling and row times. */
  clock?: Clock;
  /**
   * Default 30000 ms: how long a transaction stays with its owner without a renewal. The owner
   * renews every third of it while driving, so only a dead or cut-off owner loses it; another
   * instance resumes the transaction about this long after the owner died.
   */
  leaseMs?: number;
  retry?: SagaRetryOptions;
  /** Default 5000 ms: how often start()'s loop looks for transactions whose lease ran out. */
  pollMs?: number;
  /** Default 16: transactions this instance drives at once from its resume loop. */
  concurrency?: number;
  /**
   * Default 7 days: how long finished transactions are kept (for support and audit) before the
   * loop deletes them. Stuck ones are never deleted. The participants' barrier rows must be kept
   * longer than any transaction stays unfinished (pruneBarrier).
   */
  retentionMs?: number;
  /** Default 16384: the largest payload, as JSON bytes; a saga carries ids and amounts, not documents. At most 60000 (a TEXT column). */
  maxPayloadBytes?: number;
  /** Default Math.random: the back-off's jitter. */
  random?: () => number;
  /** Default a private registry: where surge_saga_transactions_total is counted (pass the process's). */
  registry?: Registry;
}

export interface ResolvedSagaOptions {
  readonly db: ServiceDatabase<any>;
  readonly sagas: ReadonlyMap<string, SagaDefinition<any>>;
  readonly owner: string;
  readonly log: Logger;
  readonly clock: Clock;
  readonly leaseMs: number;
  readonly retry: Readonly<Required<SagaRetryOptions>>;
  readonly pollMs: number;
  readonly concurrency: number;
  readonly retentionMs: number;
  readonly maxPayloadBytes: number;
  readonly random: () => number;
  readonly registry: Registry;
}

/** Largest payload a TEXT column holds with room to spare (65535 bytes). */
export const MAX_PAYLOAD_BYTES = 60_000;

function int(field: string, value: number | undefined, fallback: number, min: number, max: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < min || v > max) throw errors.invalid(field, `an integer from ${min} to ${max}`);
  return v;
}

export function resolveSagaOptions(o: SagaCoordinatorOptions): ResolvedSagaOptions {
  if (!o?.db) throw errors.invalid('db', "the coordinator's database (migrated with sagaMigrations) is required");
  if (!o.log) throw errors.invalid('log', 'a logger is required');
  if (!Array.isArray(o.sagas) || o.sagas.length === 0) throw errors.invalid('sagas', 'at least one saga (defineSaga)');
  const sagas = new Map<string, SagaDefinition<any>>();
  for (const saga of o.sagas) {
    if (sagas.has(saga.name)) throw errors.invalid('sagas', `${saga.name} is listed twice`);
    sagas.set(saga.name, saga);
  }
  const retry = o.retry ?? {};
  const baseMs = int('retry.baseMs', retry.baseMs, 200, 1, 3_600_000);
  const maxMs = int('retry.maxMs', retry.maxMs, 10_000, baseMs, 3_600_000);
  return Object.freeze({
    db: o.db,
    sagas,
    owner: checkRefPart('owner', o.owner),
    log: o.log,
    clock: o.clock ?? systemClock,
    // Below 300 ms a renewal (every third) would be a query every 100 ms per transaction.
    leaseMs: int('leaseMs', o.leaseMs, 30_000, 300, 3_600_000),
    retry: Object.freeze({ baseMs, maxMs, maxAttempts: int('retry.maxAttempts', retry.maxAttempts, 8, 1, 1000) }),
    pollMs: int('pollMs', o.pollMs, 5_000, 10, 3_600_000),
    concurrency: int('concurrency', o.concurrency, 16, 1, 10_000),
    retentionMs: int('retentionMs', o.retentionMs, 7 * 86_400_000, 1, 3650 * 86_400_000),
    maxPayloadBytes: int('maxPayloadBytes', o.maxPayloadBytes, 16_384, 2, MAX_PAYLOAD_BYTES),
    random: o.random ?? Math.random,
    registry: o.registry ?? new Registry(),
  });
}
