// mapLimit and all: bounded fan-out that returns results in input order and cancels on the first
// error (go-zero core/mr MapReduce / Finish with a worker count).
import { runPool, resolveLimit, type PoolOptions, type Work } from './pool.js';

/**
 * Maps items through fn with at most `limit` calls running at once. Results come back in input
 * order. On the first rejection the signal given to running calls aborts, no new call starts and
 * the promise rejects with that error. An aborting options.signal rejects with Cancelled.
 */
export async function mapLimit<T, R>(
  items: Iterable<T>,
  limit: number,
  fn: Work<T, R>,
  options: PoolOptions = {},
): Promise<R[]> {
  const max = resolveLimit(limit);
  const results: R[] = [];
  await runPool(items[Symbol.iterator](), max, fn, (value, index) => { results[index] = value; }, options);
  return results;
}

export interface AllOptions extends PoolOptions {
  /** Most functions running at once. Default: all of them (the caller chose the list's size). */
  limit?: number;
}

/** Runs every function (in parallel, up to options.limit) and returns their results in order; cancels the rest on the first error. */
export function all<R>(fns: readonly ((signal: AbortSignal) => Promise<R>)[], options: AllOptions = {}): Promise<R[]> {
  const limit = options.limit === undefined ? Math.max(1, fns.length) : resolveLimit(options.limit, 'limit');
  return mapLimit(fns, limit, (fn, _index, signal) => fn(signal), options.signal ? { signal: options.signal } : {});
}
