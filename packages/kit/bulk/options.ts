// Bulk executor options: every field optional, defaults filled and checked once, at construction.
import { type Clock, systemClock } from '#kit/clock';
import { errors, type SurgeError } from '#kit/errors';

export interface BulkOptions<T> {
  /** Default 'bulk'. Names the executor in errors and in the default onError's log line. */
  name?: string;
  /** Default 1000 (go-zero's defaultBulkTasks): a batch is cut as soon as it holds this many items. */
  maxItems?: number;
  /**
   * Default 1000 ms (go-zero's defaultFlushInterval): the longest an item waits in the buffer.
   * The timer starts when the first item enters an empty buffer, so a lone view count is written
   * within a second even when traffic is too thin to fill a batch.
   */
  flushIntervalMs?: number;
  /**
   * Default 1: flushes run one at a time, in the order their batches were cut, as go-zero runs
   * them. Raise it when batches are independent (counters on different rows) and the store
   * takes parallel writes.
   */
  maxConcurrentFlushes?: number;
  /**
   * Default 10 × maxItems: items accepted but not yet handed to a running flush (the buffer plus
   * cut batches waiting for a flush slot). Ten batches of slack absorb a burst while one slow
   * flush finishes; past that the store is not keeping up, and add() refuses (Overloaded) instead
   * of growing memory without bound. At least maxItems.
   */
  maxBufferedItems?: number;
  /**
   * Default: log to stderr. Called once per failed flush with the error and the batch's items, so
   * a failure is seen even when no caller awaits add(). Must not throw.
   */
  onError?: (err: SurgeError, items: readonly T[]) => void;
  /** Default systemClock: the interval timer. */
  clock?: Clock;
}

export interface ResolvedBulkOptions<T> {
  readonly name: string;
  readonly maxItems: number;
  readonly flushIntervalMs: number;
  readonly maxConcurrentFlushes: number;
  readonly maxBufferedItems: number;
  readonly onError: (err: SurgeError, items: readonly T[]) => void;
  readonly clock: Clock;
}

function positiveInt(field: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 1) throw errors.invalid(field, 'must be a positive integer');
  return v;
}

export function resolveBulkOptions<T>(options: BulkOptions<T> = {}): ResolvedBulkOptions<T> {
  const name = options.name ?? 'bulk';
  const maxItems = positiveInt('maxItems', options.maxItems, 1000);
  const flushIntervalMs = options.flushIntervalMs ?? 1000;
  if (!Number.isFinite(flushIntervalMs) || flushIntervalMs <= 0) throw errors.invalid('flushIntervalMs', 'must be a positive number of milliseconds');
  const maxBufferedItems = positiveInt('maxBufferedItems', options.maxBufferedItems, 10 * maxItems);
  if (maxBufferedItems < maxItems) throw errors.invalid('maxBufferedItems', `must be at least maxItems (${maxItems}), or no batch could fill`);
  return Object.freeze({
    name,
    maxItems,
    flushIntervalMs,
    maxConcurrentFlushes: positiveInt('maxConcurrentFlushes', options.maxConcurrentFlushes, 1),
    maxBufferedItems,
    onError: options.onError ?? ((err: SurgeError, items: readonly T[]) => console.error(`surge bulk ${name}: a flush of ${items.length} items failed:`, err, err.cause)),
    clock: options.clock ?? systemClock,
  });
}
