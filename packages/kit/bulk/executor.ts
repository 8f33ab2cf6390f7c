// Periodical bulk executor, as go-zero's core/executors (PeriodicalExecutor under BulkExecutor):
// add() collects items; a batch is cut when it holds maxItems or when its first item has waited
// flushIntervalMs; cut batches are flushed at most maxConcurrentFlushes at a time; close()
// flushes what is left and waits. For batched writes: view counts, like counters, orders.
//
// Departures from go-zero, each for a reason:
// - add() returns a promise per item that settles with its batch's outcome (go-zero's Add is
//   fire-and-forget). An exactly-once counter or an order needs to know its write landed; a
//   caller that does not care may ignore the promise: it is marked handled, and every failed
//   flush also reaches onError once, so ignoring it neither crashes the process nor hides the
//   failure.
// - Refusal is separate from outcome: add() throws at once (Overloaded when maxBufferedItems are
//   waiting, FailedPrecondition after close) instead of blocking as go-zero's Add does. A thrown
//   error cannot be dropped by a fire-and-forget caller, and an awaiting caller gets back-pressure
//   from the promise anyway.
// - The interval timer runs per batch, from its first item, not as a free-running ticker, so no
//   item waits longer than flushIntervalMs in the buffer (with a ticker it can wait almost two).
// - Flushes may overlap (maxConcurrentFlushes); go-zero runs one at a time, which is the default.
import { Code, SurgeError } from '#kit/errors';
import type { Timer } from '#kit/clock';
import { resolveBulkOptions, type BulkOptions, type ResolvedBulkOptions } from './options.js';

/**
 * Writes one batch. Resolve with nothing (every item's promise resolves undefined) or with one
 * result per item, in item order. A throw or rejection fails every item of the batch.
 */
export type FlushFn<T, R> = (items: T[]) => Promise<readonly R[] | void> | readonly R[] | void;

export interface BulkExecutor<T, R = void> {
  /**
   * Adds an item; the promise settles when its batch is flushed, with the item's result or the
   * flush's error (a SurgeError, the original as cause). Throws SurgeError(Overloaded) when
   * maxBufferedItems are already waiting, and FailedPrecondition once closing has begun.
   */
  add(item: T): Promise<R>;
  /** Cuts the buffer now; resolves when it and every batch cut before it have settled. */
  flush(): Promise<void>;
  /** Refuses new items, flushes what is buffered, waits for every flush. Never rejects. */
  close(): Promise<void>;
  /** Items accepted and not yet handed to a running flush. */
  readonly pending: number;
  /** Flushes running now. */
  readonly flushing: number;
  /**
   * Resolves when one of the flushes running now settles (so a feeder can add the next batch the
   * moment there is room, rather than poll); at once when none is running. Never rejects.
   */
  whenSettled(): Promise<void>;
}

interface Batch<T, R> {
  items: T[];
  resolvers: ((result: R) => void)[];
  rejecters: ((err: SurgeError) => void)[];
}

const noop = () => {};
const newBatch = <T, R>(): Batch<T, R> => ({ items: [], resolvers: [], rejecters: [] });

interface Cut<T, R> {
  batch: Batch<T, R>;
  /** Resolves once the batch's items have settled, whatever the outcome. */
  settled: Promise<void>;
  markSettled: () => void;
}

class PeriodicalExecutor<T, R> implements BulkExecutor<T, R> {
  private buffer: Batch<T, R> = newBatch();
  private timer: Timer | undefined;
  private readonly waiting: Cut<T, R>[] = [];
  private waitingItems = 0;
  private running = 0;
  private closed = false;
  /** whenSettled() callers, woken when the next running flush settles. */
  private settledWaiters: (() => void)[] = [];
  /** Every batch cut and not yet settled (waiting or running), for flush() and close(). */
  private readonly unsettled = new Set<Promise<void>>();

  constructor(
    private readonly write: FlushFn<T, R>,
    private readonly options: ResolvedBulkOptions<T>,
  ) {}

  get pending(): number {
    return this.buffer.items.length + this.waitingItems;
  }

  get flushing(): number {
    return this.running;
  }

  add(item: T): Promise<R> {
    const o = this.options;
    if (this.closed) throw new SurgeError(Code.FailedPrecondition, `bulk ${o.name} is closed`);
    if (this.pending >= o.maxBufferedItems) {
      throw new SurgeError(Code.Overloaded, `bulk ${o.name}: ${this.pending} items are waiting to be flushed`, { details: { pending: this.pending } });
    }
    const batch = this.buffer;
    const outcome = new Promise<R>((resolve, reject) => {
      batch.items.push(item);
      batch.resolvers.push(resolve);
      batch.rejecters.push(reject);
    });
    outcome.catch(noop); // see the header: failures also reach onError, so an unawaited add is safe
    if (batch.items.length === 1) this.timer = o.clock.after(o.flushIntervalMs, () => this.cut());
    if (batch.items.length >= o.maxItems) this.cut();
    return outcome;
  }

  whenSettled(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.settledWaiters.push(resolve));
  }

  flush(): Promise<void> {
    this.cut();
    return Promise.all([...this.unsettled]).then(noop);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  /** Moves the buffer to the waiting queue and starts flushes while slots are free. */
  private cut(): void {
    this.timer?.cancel();
    this.timer = undefined;
    const batch = this.buffer;
    if (batch.items.length === 0) return;
    this.buffer = newBatch();
    let markSettled = noop;
    const settled = new Promise<void>((resolve) => (markSettled = resolve));
    this.unsettled.add(settled);
    this.waiting.push({ batch, settled, markSettled });
    this.waitingItems += batch.items.length;
    this.pump();
  }

  private pump(): void {
    while (this.running < this.options.maxConcurrentFlushes && this.waiting.length > 0) {
      const { batch, settled, markSettled } = this.waiting.shift()!;
      this.waitingItems -= batch.items.length;
      this.running++;
      void this.run(batch).then(() => {
        this.running--;
        this.unsettled.delete(settled);
        markSettled();
        if (this.settledWaiters.length > 0) for (const wake of this.settledWaiters.splice(0)) wake();
        this.pump();
      });
    }
  }

  /** Flushes one batch and settles its items; never rejects. */
  private async run(batch: Batch<T, R>): Promise<void> {
    let results: readonly R[] | void;
    try {
      results = await this.write(batch.items);
      if (results !== undefined && (!Array.isArray(results) || results.length !== batch.items.length)) {
        throw new SurgeError(Code.Internal, `bulk ${this.options.name}: the flush returned ${Array.isArray(results) ? results.length : typeof results} results for ${batch.items.length} items`);
      }
    } catch (err) {
      const failure = SurgeError.from(err);
      for (const reject of batch.rejecters) reject(failure);
      try {
        this.options.onError(failure, batch.items);
      } catch (handlerError) {
        // A throwing onError is a bug in the caller; surface it as an uncaught error, never drop it.
        queueMicrotask(() => {
          throw handlerError;
        });
      }
      return;
    }
    for (let i = 0; i < batch.resolvers.length; i++) batch.resolvers[i]!(results === undefined ? (undefined as R) : results[i]!);
  }
}

export function createBulkExecutor<T, R = void>(write: FlushFn<T, R>, options?: BulkOptions<T>): BulkExecutor<T, R> {
  if (typeof write !== 'function') throw new SurgeError(Code.InvalidArgument, 'flush: must be a function that writes a batch', { details: { field: 'flush' } });
  return new PeriodicalExecutor(write, resolveBulkOptions(options));
}
