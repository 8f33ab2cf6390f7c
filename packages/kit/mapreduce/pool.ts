// Bounded worker pool: the engine under mapLimit, all and mapReduce (go-zero's core/mr class).
// Items are pulled from the source only when a worker is free, so a long or endless source is
// never read ahead. The first failure aborts the signal handed to running work, stops new starts
// and settles the pool with that failure; results of work still running are then ignored.
import { SurgeError, Code, errors } from '#kit/errors';

export interface PoolOptions {
  /** Cancels the whole run: running work sees its signal abort, nothing new starts. Default none. */
  signal?: AbortSignal;
}

export type Work<T, R> = (item: T, index: number, signal: AbortSignal) => Promise<R>;

export function resolveLimit(limit: unknown, field = 'limit'): number {
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1) {
    throw errors.invalid(field, `must be a positive integer, got ${String(limit)}`);
  }
  return limit;
}

function cancelled(reason: unknown): SurgeError {
  return reason instanceof SurgeError ? reason : new SurgeError(Code.Cancelled, 'the caller cancelled the parallel work', { cause: reason });
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

/**
 * Runs work over every item with at most `limit` running at once; onResult sees each result as it
 * lands (completion order) and may throw to fail the run. Resolves when all items are done.
 */
export function runPool<T, R>(
  source: Iterator<T> | AsyncIterator<T>,
  limit: number,
  work: Work<T, R>,
  onResult: (value: R, index: number) => void,
  options: PoolOptions = {},
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const controller = new AbortController();
    const outer = options.signal;
    let running = 0;
    let started = 0;
    let pulling = false; // an async source is read one item at a time
    let exhausted = false;
    let settled = false;

    const onOuterAbort = () => fail(cancelled(outer?.reason));
    const finish = (err?: unknown) => {
      settled = true;
      outer?.removeEventListener('abort', onOuterAbort);
      if (err === undefined) return resolve();
      controller.abort(err);
      // Let a generator run its finally blocks; its own errors cannot change the outcome now.
      if (!exhausted) Promise.resolve().then(() => source.return?.()).catch(() => undefined);
      reject(err);
    };
    function fail(err: unknown): void {
      if (!settled) finish(err);
    }

    const start = (item: T): void => {
      const index = started++;
      running++;
      let pending: Promise<R>;
      try {
        pending = Promise.resolve(work(item, index, controller.signal));
      } catch (err) {
        pending = Promise.reject(err);
      }
      pending.then(
        (value) => {
          running--;
          if (settled) return;
          try {
            onResult(value, index);
          } catch (err) {
            return fail(err);
          }
          pump();
        },
        (err) => {
          running--;
          fail(err);
        },
      );
    };

    const accept = (step: IteratorResult<T>): void => {
      if (step.done) exhausted = true;
      else start(step.value);
    };

    function pump(): void {
      while (!settled && !exhausted && !pulling && running < limit) {
        let step: IteratorResult<T> | Promise<IteratorResult<T>>;
        try {
          step = source.next();
        } catch (err) {
          return fail(err);
        }
        if (isThenable(step)) {
          pulling = true;
          step.then(
            (s) => {
              pulling = false;
              if (settled) return;
              accept(s);
              pump();
            },
            (err) => {
              pulling = false;
              fail(err);
            },
          );
          return;
        }
        accept(step);
      }
      if (!settled && exhausted && running === 0) finish();
    }

    if (outer?.aborted) return fail(cancelled(outer.reason));
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    pump();
  });
}
