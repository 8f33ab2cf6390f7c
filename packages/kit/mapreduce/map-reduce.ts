// Streaming map-reduce (go-zero core/mr MapReduce): a generator feeds items, `workers` mappers run
// at once, and the reducer folds each mapped value as soon as it lands (completion order), so
// neither the inputs nor the mapped values are ever all held in memory.
import { runPool, resolveLimit, type PoolOptions } from './pool.js';

export interface MapReduceOptions<T, U, R> extends PoolOptions {
  /** The items; read lazily, one at a time, only when a mapper is free. */
  generate: () => Iterable<T> | AsyncIterable<T>;
  mapper: (item: T, signal: AbortSignal) => Promise<U>;
  /** Folds one mapped value into the accumulator; runs in completion order, so it should not depend on order. Throwing fails the run. */
  reducer: (accumulator: R, value: U) => R;
  initial: R;
  /** Mappers running at once. Default 16: enough to hide I/O latency without flooding a dependency. */
  workers?: number;
}

export async function mapReduce<T, U, R>(options: MapReduceOptions<T, U, R>): Promise<R> {
  const workers = resolveLimit(options.workers ?? 16, 'workers');
  const source = options.generate();
  const iterator = Symbol.asyncIterator in source
    ? (source as AsyncIterable<T>)[Symbol.asyncIterator]()
    : (source as Iterable<T>)[Symbol.iterator]();
  let accumulator = options.initial;
  await runPool(
    iterator,
    workers,
    (item, _index, signal) => options.mapper(item, signal),
    (value) => { accumulator = options.reducer(accumulator, value); },
    options.signal ? { signal: options.signal } : {},
  );
  return accumulator;
}
