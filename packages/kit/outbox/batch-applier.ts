// Exactly-once effects in batches, for consumers of hot counters: each delivery joins a bulk
// executor's batch (#kit/bulk) and its handler resolves only when that batch committed, so the
// queue acknowledges it only then. One transaction records the batch's event keys (applyEachOnce)
// and applies the fresh items together: a thousand likes a second on one article are a few row
// updates, and a redelivery after a crash (kill -9 between commit and ack) finds its key.
import type { Logger } from 'pino';
import type { Transaction } from 'kysely';
import { createBulkExecutor } from '#kit/bulk';
import { systemClock, type Clock } from '#kit/clock';
import type { ServiceDatabase } from '#kit/store';
import { applyEachOnce } from './apply-once.js';

export interface BatchApplierOptions<DB, T> {
  db: ServiceDatabase<DB>;
  /** Names the batches in log lines. */
  name: string;
  /** The event's key: unique per consumer group and delivery (`<group>:<message id>`). */
  keyOf(item: T): string;
  /** Applies the items not applied before, in the batch's transaction. */
  apply(trx: Transaction<DB>, fresh: T[]): Promise<void>;
  /** After the commit, with every item of the batch (fresh or not): drop cached copies. */
  afterCommit?(items: T[]): Promise<void>;
  log: Logger;
  clock?: Clock;
  /** Default 100 ms: the longest an item waits for its batch, so about how long until an effect shows. */
  flushIntervalMs?: number;
  /** Default 512: the largest batch; give the subscription at least this concurrency so batches can fill. */
  maxItems?: number;
}

export interface BatchApplier<T> {
  /**
   * What the subscriptions feeding it should use: concurrency maxItems, so a batch can fill; and a
   * short ack wait, so the deliveries a killed process held come back in seconds, not the queue's
   * default 30 s (a batch that runs long keeps its deliveries alive with heartbeats).
   */
  readonly subscribe: { readonly concurrency: number; readonly ackWaitMs: number };
  /** Resolves when the item's batch committed; rejects when it failed (the queue then delivers it again). */
  add(item: T): Promise<void>;
  /** Applies what is waiting, then refuses more. */
  close(): Promise<void>;
}

export function createBatchApplier<DB, T>(o: BatchApplierOptions<DB, T>): BatchApplier<T> {
  const clock = o.clock ?? systemClock;
  const maxItems = o.maxItems ?? 512;
  const batches = createBulkExecutor<T>(
    async (items) => {
      await applyEachOnce(o.db, items, o.keyOf, o.apply, { clock });
      await o.afterCommit?.(items);
    },
    {
      name: o.name,
      maxItems,
      flushIntervalMs: o.flushIntervalMs ?? 100,
      clock,
      onError: (err, items) => o.log.warn({ err, items: items.length }, `a batch of ${o.name} failed; its events will be delivered again`),
    },
  );
  return { subscribe: { concurrency: maxItems, ackWaitMs: 5_000 }, add: (item) => batches.add(item), close: () => batches.close() };
}
