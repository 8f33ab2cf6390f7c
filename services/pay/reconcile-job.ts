// The periodic reconciliation: a pass every pay.reconcileSeconds on the injected clock, one pass
// at a time (a slow pass delays the next one rather than overlapping it). Every instance runs
// its own; each step of a pass is idempotent, so instances passing at once do nothing twice.
import type { Logger } from 'pino';
import type { Clock, Timer } from '#kit/clock';
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
  let timer: Timer | undefined;
  let running: Promise<void> | undefined;
  let closed = false;
  const schedule = () => {
    if (!closed) timer = o.clock.after(o.everyMs, tick);
  };
  const tick = () => {
    running = o
      .pass()
      .then((report) => o.onPass?.(report))
      // Logged, and the next pass runs as usual: a database or order service outage passes.
      .catch((err: unknown) => o.log.warn({ err }, 'pay: a reconciliation pass failed; the next one runs as scheduled'))
      .finally(() => {
        running = undefined;
        schedule();
      });
  };
  schedule();
  return {
    async close() {
      closed = true;
      timer?.cancel();
      await running;
    },
  };
}
