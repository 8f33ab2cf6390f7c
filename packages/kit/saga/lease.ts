// Keeps a transaction's lease while this instance drives it: renews it every third of leaseMs, so
// two renewals can fail (a database blip) before another instance may claim it. A renewal that
// finds the row no longer ours (another instance claimed it after a long pause here) aborts the
// drive's signal; a renewal that fails is logged and tried again at the next tick, since every
// write of the drive is fenced by owner anyway.
import type { Logger } from 'pino';
import type { Clock, Timer } from '#kit/clock';
import type { SagaStore } from './store.js';

export interface LeaseKeeper {
  /** Aborted when the lease is lost or the coordinator closes: the drive stops at its next step. */
  readonly signal: AbortSignal;
  /** True once a renewal found the row taken by another instance. */
  readonly lost: boolean;
  /** Stops renewing (the drive ended, or the coordinator is closing). */
  stop(): void;
}

export function keepLease(deps: { store: SagaStore; clock: Clock; log: Logger; owner: string; leaseMs: number }, gid: string, closing: AbortSignal): LeaseKeeper {
  const controller = new AbortController();
  let lost = false;
  let stopped = false;
  let timer: Timer | undefined;
  const onClose = () => controller.abort();
  closing.addEventListener('abort', onClose, { once: true });
  if (closing.aborted) controller.abort();

  const schedule = () => {
    if (stopped || controller.signal.aborted) return;
    timer = deps.clock.after(Math.floor(deps.leaseMs / 3), () => void renew());
  };
  const renew = async () => {
    // Closing hands the transaction over: no renewal after it, even while a call is in flight.
    if (stopped || controller.signal.aborted) return;
    const now = deps.clock.now();
    try {
      const held = await deps.store.fenced(gid, deps.owner, { lease_until: now + deps.leaseMs, updated_at: now });
      if (!held && !stopped) {
        lost = true;
        deps.log.warn({ gid, owner: deps.owner }, 'saga: lease lost to another instance; stopping this drive');
        controller.abort();
        return;
      }
    } catch (err) {
      deps.log.warn({ err, gid }, 'saga: lease renewal failed; trying again at the next tick');
    }
    schedule();
  };
  schedule();

  return {
    signal: controller.signal,
    get lost() {
      return lost;
    },
    stop() {
      stopped = true;
      timer?.cancel();
      closing.removeEventListener('abort', onClose);
    },
  };
}
