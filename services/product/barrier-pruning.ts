// Deletes the stock branches' barrier rows once they are older than the retention, on a timer.
// The retention must outlast every way a branch can still be called: the order service releases
// an unpaid order's stock up to its payment timeout (at most 7 days) after the reservation, and a
// release whose reservation row is gone would be taken for a null compensation and skipped.
// Runs at a fixed rate, one at a time (startEvery).
import type { Logger } from 'pino';
import { startEvery, type Clock } from '#kit/clock';
import { pruneBarrier } from '#kit/saga';
import type { ServiceDatabase } from '#kit/store';
import type { ProductDB } from './model/tables.js';

export interface BarrierPruningOptions {
  db: ServiceDatabase<ProductDB>;
  clock: Clock;
  log: Pick<Logger, 'info' | 'warn'>;
  retentionMs: number;
  /** Default 1 hour: how often old rows are looked for. */
  everyMs?: number;
}

export function startBarrierPruning(o: BarrierPruningOptions): { close(): Promise<void> } {
  return startEvery({
    clock: o.clock,
    everyMs: o.everyMs ?? 3_600_000,
    run: async () => {
      const deleted = await pruneBarrier(o.db, o.retentionMs, o.clock.now());
      if (deleted > 0) o.log.info({ deleted }, 'pruned old saga barrier rows');
    },
    // Rows only accumulate until the next run: nothing is lost by trying again later.
    onError: (err) => o.log.warn({ err }, 'pruning saga barrier rows failed; trying again at the next run'),
  });
}
