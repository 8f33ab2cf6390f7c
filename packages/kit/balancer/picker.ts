// The client-side load balancer's contract: discovery feeds the instance set in with update(),
// each call takes a handle from pick() and settles it with done(), so the balancer learns
// latency and failures without wrapping the call (as go-zero's breaker hands out a promise
// the caller accepts or rejects).
import { Code, SurgeError } from '#kit/errors';

/** How one call through a picked instance went. */
export interface CallResult {
  /** False when the instance failed the call (unavailable, timed out, overloaded, broken). */
  ok: boolean;
  /** How long the call took; default: the time since pick() on the picker's clock. */
  latencyMs?: number;
  /**
   * True when the caller gave up before an answer (Cancelled): the in-flight slot is freed but
   * nothing is learned, since the time until a cancel says nothing about the instance. Default false.
   */
  cancelled?: boolean;
}

/** One call's claim on an instance; settle it exactly once (later calls are ignored). */
export interface Pick<T> {
  readonly instance: T;
  done(result: CallResult): void;
}

export interface Picker<T> {
  /** Replace the instance set (from discovery); keeps the stats of instances still present. */
  update(instances: readonly T[]): void;
  /** A handle for one call; throws SurgeError(Unavailable) when there is no instance. */
  pick(): Pick<T>;
  /** How many instances there are to pick from. */
  size(): number;
}

/** The error of a pick from an empty set: Unavailable, retryable, naming what has no instances. */
export function noInstances(name: string): SurgeError {
  return new SurgeError(Code.Unavailable, `no instances of ${name} to call: none registered or all removed`, {
    details: { dependency: name, instances: 0 },
  });
}

/**
 * The instance set by key, in order, with duplicates dropped (first wins): discovery can list
 * an instance twice while it re-registers, and counting it twice would double its share.
 */
export function dedupe<T>(instances: readonly T[], key: (t: T) => string): Map<string, T> {
  const byKey = new Map<string, T>();
  for (const t of instances) {
    const k = key(t);
    if (!byKey.has(k)) byKey.set(k, t);
  }
  return byKey;
}
