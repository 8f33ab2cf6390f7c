// A job run every so often on the injected clock: background passes such as reconciliation,
// pruning and resume loops.
//
// Fixed rate, skipping when busy: the next timer is armed the moment one fires, before the run
// starts, and a tick that finds the previous run still going is dropped. So runs never overlap, a
// slow run costs the ticks it overlaps instead of shifting every later one, and the schedule
// does not depend on when a run settles (a test advancing a manual clock sees a run at each
// interval however long the previous one took in real time).
import { errors } from '#kit/errors';
import type { Clock, Timer } from './clock.js';

export interface EveryOptions {
  clock: Clock;
  /** Milliseconds between runs; a positive number. */
  everyMs: number;
  /** One run. Its rejection goes to onError; the runs after it happen as scheduled. */
  run(): Promise<unknown>;
  /**
   * Sees each failed run; the caller logs it and says why carrying on is safe. It must not throw.
   */
  onError(err: unknown): void;
  /** Also runs once at start instead of waiting a whole interval for the first run. Default false. */
  runAtStart?: boolean;
}

export interface EveryJob {
  /** Stops the timer and resolves once the run in progress (if any) has ended. Nothing runs after. */
  close(): Promise<void>;
}

export function startEvery(o: EveryOptions): EveryJob {
  if (!Number.isFinite(o.everyMs) || o.everyMs <= 0) throw errors.invalid('everyMs', 'a positive number of ms');
  let timer: Timer | undefined;
  let running: Promise<void> | undefined;
  let closed = false;

  const runOnce = async () => {
    try {
      await o.run();
    } catch (err) {
      o.onError(err);
    }
  };
  const tick = () => {
    if (closed) return;
    timer = o.clock.after(o.everyMs, tick);
    if (running) return; // the previous run is still going: this one is skipped
    running = runOnce().finally(() => {
      running = undefined;
    });
  };

  if (o.runAtStart) tick();
  else timer = o.clock.after(o.everyMs, tick);

  return {
    async close() {
      closed = true;
      timer?.cancel();
      await running;
    },
  };
}
