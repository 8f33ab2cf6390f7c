// How hot the process is. In Node the scarce resource is the event loop: when it lags, every
// request waits, whatever the CPU reads. The default probe samples the event-loop delay
// histogram (perf_hooks.monitorEventLoopDelay) and keeps the p99 of the last interval.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { type Clock, type Timer, systemClock } from '#kit/clock';
import { errors } from '#kit/errors';

/** A load reading; the shedder compares it with its `threshold` (same unit). */
export interface LoadProbe {
  read(): number;
}

export interface EventLoopProbeOptions {
  /** Default 1000 ms: the reading is the p99 delay over the last interval, so one stall counts for about a second. */
  intervalMs?: number;
  /** Default 10 ms: the histogram's sampling timer (Node's default); finer costs more wake-ups. */
  resolutionMs?: number;
  /** Default systemClock: schedules the sampling (the delay itself is measured by Node). */
  clock?: Clock;
}

function resolveEventLoopProbeOptions(options: EventLoopProbeOptions): Required<EventLoopProbeOptions> {
  const intervalMs = options.intervalMs ?? 1000;
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw errors.invalid('intervalMs', 'must be a positive number of milliseconds');
  const resolutionMs = options.resolutionMs ?? 10;
  if (!Number.isInteger(resolutionMs) || resolutionMs < 1) throw errors.invalid('resolutionMs', 'must be a positive integer of milliseconds');
  if (resolutionMs >= intervalMs) throw errors.invalid('resolutionMs', 'must be shorter than intervalMs');
  return Object.freeze({ intervalMs, resolutionMs, clock: options.clock ?? systemClock });
}

/** p99 event-loop delay of the last interval, in milliseconds. */
export class EventLoopProbe implements LoadProbe {
  private readonly histogram: IntervalHistogram;
  private readonly o: Required<EventLoopProbeOptions>;
  private timer: Timer | undefined;
  private last = 0;

  constructor(options: EventLoopProbeOptions = {}) {
    this.o = resolveEventLoopProbeOptions(options);
    this.histogram = monitorEventLoopDelay({ resolution: this.o.resolutionMs });
    this.histogram.enable();
    this.schedule();
  }

  read(): number {
    return this.last;
  }

  close(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.histogram.disable();
  }

  private schedule(): void {
    // clock.after timers do not keep the process alive, so a forgotten probe never blocks exit.
    this.timer = this.o.clock.after(this.o.intervalMs, () => {
      // An empty histogram reports a few ns for p99: read it as no delay.
      this.last = this.histogram.count === 0 ? 0 : this.histogram.percentile(99) / 1e6;
      this.histogram.reset();
      if (this.timer) this.schedule();
    });
  }
}

export function eventLoopProbe(options: EventLoopProbeOptions = {}): EventLoopProbe {
  return new EventLoopProbe(options);
}
