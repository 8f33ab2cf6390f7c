// Scheduler options: every field optional but the store, defaults filled and checked once, at
// construction, throwing SurgeError(InvalidArgument) naming the field.
import { type Clock, systemClock } from '#kit/clock';
import { errors, type SurgeError } from '#kit/errors';
import type { DeadJob, DelayStore } from './store.js';
import type { DelayHandler } from './types.js';

export interface DelaySchedulerOptions {
  /** Required: where jobs live (createMemoryDelayStore or createRedisDelayStore). */
  store: DelayStore;
  /**
   * Default none: a producer-only scheduler (it schedules and cancels, never polls). One handler
   * per topic. Every instance polling a store must handle every topic scheduled on it: a job
   * claimed by an instance without its handler fails that attempt (and is retried, then
   * dead-lettered), so deploy a new topic's handler before scheduling its jobs.
   */
  handlers?: Readonly<Record<string, DelayHandler<any>>>;
  /** Default 'delay'. Names the scheduler in errors and in the default log lines. */
  name?: string;
  /**
   * Default 1000 ms: how often an idle instance asks for due jobs. A job fires at most this late
   * (plus the claim's round trip); one claim per second per instance is nothing to Redis. A poll
   * that fills its batch polls again at once, so a backlog drains at handler speed, not tick speed.
   */
  pollIntervalMs?: number;
  /**
   * Default 100: at most this many jobs claimed per poll, and never more than free handler slots,
   * so a claimed job never waits for a slot while its visibility time runs out.
   */
  batchSize?: number;
  /** Default 16: handlers running at once in this instance (as the queue's subscriber). */
  concurrency?: number;
  /**
   * Default 30000 ms (JetStream's ack wait, as kit/queue): a claim not settled within this is
   * claimed again by any instance, so a worker killed mid-job does not lose it. Running handlers
   * extend their claim every third of it, so slow work is not fired twice. At least 100 ms.
   */
  visibilityTimeoutMs?: number;
  /**
   * Default 5 (as kit/queue): firings before a failing job is dead-lettered. A claim whose
   * visibility ran out counts as a firing, so a job that kills its worker is parked too.
   */
  maxAttempts?: number;
  /**
   * Default [1000, 10000, 60000, 300000]: delay before firing n+1 after firing n failed is
   * backoffMs[n-1], the last entry repeating. Slower than the queue's: a delayed job is already
   * late by design, and an order close can wait out a database restart.
   */
  backoffMs?: readonly number[];
  /**
   * Default: log to stderr. Called when this instance dead-letters a job whose last attempt
   * failed. Must not throw. A job buried because its last claim ran out (its worker died) is
   * buried inside a claim, reported by no handler: read deadLetters() or the store's counts.
   */
  onDead?: (dead: DeadJob) => void;
  /**
   * Default: log to stderr. Store failures during polling and settling (Redis down): the poll is
   * tried again at the next tick and an unsettled claim fires again after its visibility, so
   * nothing is lost by carrying on. Must not throw.
   */
  onError?: (err: SurgeError) => void;
  /** Default systemClock: due times (wall clock), ticks and claim extensions. */
  clock?: Clock;
}

export interface ResolvedDelayOptions {
  readonly store: DelayStore;
  readonly handlers: ReadonlyMap<string, DelayHandler<any>>;
  readonly name: string;
  readonly pollIntervalMs: number;
  readonly batchSize: number;
  readonly concurrency: number;
  readonly visibilityTimeoutMs: number;
  readonly maxAttempts: number;
  readonly backoffMs: readonly number[];
  readonly onDead: (dead: DeadJob) => void;
  readonly onError: (err: SurgeError) => void;
  readonly clock: Clock;
}

export const TOPIC = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/;
export const MAX_TOPIC = 100;
export const MAX_ID = 200;

export function checkTopic(field: string, topic: unknown): string {
  if (typeof topic !== 'string' || topic.length > MAX_TOPIC || !TOPIC.test(topic))
    throw errors.invalid(field, "use letters, digits and '-', words separated by '.' (e.g. order.timeout)");
  return topic;
}

export function checkId(id: unknown): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID || /\s/.test(id))
    throw errors.invalid('id', `a string of 1 to ${MAX_ID} characters without whitespace`);
  return id;
}

function positiveInt(field: string, value: number | undefined, fallback: number, max = 1_000_000): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 1 || v > max) throw errors.invalid(field, `an integer from 1 to ${max}`);
  return v;
}

function ms(field: string, value: number | undefined, fallback: number, min: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < min) throw errors.invalid(field, `a number of ms, at least ${min}`);
  return v;
}

export function resolveDelayOptions(options: DelaySchedulerOptions): ResolvedDelayOptions {
  if (!options || !options.store) throw errors.invalid('store', 'a delay store is required (createMemoryDelayStore or createRedisDelayStore)');
  const handlers = new Map<string, DelayHandler<any>>();
  for (const [topic, handler] of Object.entries(options.handlers ?? {})) {
    checkTopic('handlers', topic);
    if (typeof handler !== 'function') throw errors.invalid('handlers', `the handler of ${topic} is not a function`);
    handlers.set(topic, handler);
  }
  const name = options.name ?? 'delay';
  const backoffMs = options.backoffMs ?? [1000, 10_000, 60_000, 300_000];
  if (!Array.isArray(backoffMs) || backoffMs.length === 0 || !backoffMs.every((d) => Number.isFinite(d) && d >= 0))
    throw errors.invalid('backoffMs', 'a non-empty array of delays in ms, each finite and >= 0');
  return Object.freeze({
    store: options.store,
    handlers,
    name,
    pollIntervalMs: ms('pollIntervalMs', options.pollIntervalMs, 1000, 1),
    batchSize: positiveInt('batchSize', options.batchSize, 100, 10_000),
    concurrency: positiveInt('concurrency', options.concurrency, 16, 10_000),
    // Below ~100 ms the extensions (every third of it) would flood the store.
    visibilityTimeoutMs: ms('visibilityTimeoutMs', options.visibilityTimeoutMs, 30_000, 100),
    maxAttempts: positiveInt('maxAttempts', options.maxAttempts, 5, 1000),
    backoffMs: Object.freeze([...backoffMs]),
    onDead: options.onDead ?? ((dead: DeadJob) => console.error(`surge delay ${name}: job ${dead.job.id} (${dead.job.topic}) dead-lettered after ${dead.attempts} attempts: ${dead.reason}`)),
    onError: options.onError ?? ((err: SurgeError) => console.error(`surge delay ${name}:`, err, err.cause)),
    clock: options.clock ?? systemClock,
  });
}

/** The delay before the firing after `failedAttempt`; the last entry repeats. */
export function backoffFor(backoffMs: readonly number[], failedAttempt: number): number {
  return backoffMs[Math.min(failedAttempt, backoffMs.length) - 1]!;
}
