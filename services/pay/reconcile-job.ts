// The periodic reconciliation: a pass every pay.reconcileSeconds on the injected clock, one pass
// at a time (a pass still going when the next is due makes that one skip; startEvery). Every
// instance runs its own; each step of a pass is idempotent, so instances passing at once do
// nothing twice.
import type { Logger } from 'pino';
import { startEvery, type Clock } from '#kit/clock';
import type { Closable } from '#kit/service';
import type { ReconcileReport } from '#gen/surge/pay/v1/pay';

export interface ReconcileJobOptions {
  everyMs: number;
  clock: Clock;
  log: Logger;
  pass(): Promise<ReconcileReport>;
  /** Sees each pass's report (tests wait on it). */
  onPass?: (report: ReconcileReport) => void;
}

export function startReconcileJob(o: ReconcileJobOptions): Closable {
  return startEvery({
    clock: o.clock,
    everyMs: o.everyMs,
    run: async () => o.onPass?.(await o.pass()),
    // Logged, and the next pass runs as usual: a database or order service outage passes.
    onError: (err) => o.log.warn({ err }, 'pay: a reconciliation pass failed; the next one runs as scheduled'),
  });
}
