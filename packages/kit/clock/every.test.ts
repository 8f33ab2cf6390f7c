// startEvery on a manual clock: a run at each interval, never two at once, a failed run reported
// and the next one still run, close() cancelling the timer and waiting for the run in progress.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { ManualClock, startEvery, type EveryOptions } from './index.js';

/** A run that stays open until released, counting how many are open at once. */
function gatedRuns() {
  const releases: (() => void)[] = [];
  let open = 0;
  let mostOpen = 0;
  return {
    started: () => releases.length,
    get mostOpen() {
      return mostOpen;
    },
    run: () =>
      new Promise<void>((resolve) => {
        open++;
        mostOpen = Math.max(mostOpen, open);
        releases.push(() => {
          open--;
          resolve();
        });
      }),
    release: (i: number) => releases[i]!(),
  };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));
/** For jobs whose runs never fail: a call would surface as an unhandled rejection and fail the test. */
const noErrors = (err: unknown) => {
  throw err;
};

/** A job every 100 ms on a fresh manual clock. */
function every100(run: () => Promise<unknown>, o: Partial<EveryOptions> = {}) {
  const clock = new ManualClock();
  return { clock, job: startEvery({ clock, everyMs: 100, run, onError: noErrors, ...o }) };
}

/** A job of gated runs every 100 ms, moved to its first run, which is still open. */
function firstRunOpen() {
  const runs = gatedRuns();
  const { clock, job } = every100(runs.run);
  clock.advance(100);
  return { runs, clock, job };
}

describe('startEvery', () => {
  it('runs once at each interval, the first a whole interval after start', async () => {
    let runs = 0;
    const { clock, job } = every100(async () => void runs++);
    clock.advance(99);
    expect(runs).toBe(0);
    for (let i = 1; i <= 5; i++) {
      clock.advance(i === 1 ? 1 : 100);
      await settled();
      expect(runs).toBe(i);
    }
    await job.close();
  });

  it('runs at start too with runAtStart', async () => {
    let runs = 0;
    const { clock, job } = every100(async () => void runs++, { runAtStart: true });
    expect(runs).toBe(1);
    await settled();
    clock.advance(100);
    expect(runs).toBe(2);
    await job.close();
  });

  it('never runs two at once: a tick due while a run is going is skipped, the schedule is kept', async () => {
    const { runs, clock, job } = firstRunOpen();
    expect(runs.started()).toBe(1);
    clock.advance(300); // three ticks while the first run is open
    await settled();
    expect(runs.started()).toBe(1);
    runs.release(0);
    await settled();
    clock.advance(99); // the ticks stay on the 100 ms grid: the next one is at 500
    expect(runs.started()).toBe(1);
    clock.advance(1);
    expect(runs.started()).toBe(2);
    expect(runs.mostOpen).toBe(1);
    runs.release(1);
    await job.close();
  });

  it('hands a failed run to onError and runs the next one as scheduled', async () => {
    const failures: unknown[] = [];
    let runs = 0;
    const failFirst = async () => {
      runs++;
      if (runs === 1) throw new Error('database down');
    };
    const { clock, job } = every100(failFirst, { onError: (err) => failures.push(err) });
    clock.advance(100);
    await settled();
    expect(failures).toEqual([new Error('database down')]);
    clock.advance(100);
    await settled();
    expect(runs).toBe(2);
    expect(failures).toHaveLength(1);
    await job.close();
  });

  it('close() cancels the timer, waits for the run in progress, and nothing runs after', async () => {
    const { runs, clock, job } = firstRunOpen();
    let closed = false;
    const closing = job.close().then(() => (closed = true));
    await settled();
    expect(closed).toBe(false); // the run is still open
    runs.release(0);
    await closing;
    expect(closed).toBe(true);
    clock.advance(10_000);
    expect(runs.started()).toBe(1);
  });

  it('refuses an interval that is not a positive number of ms', () => {
    const clock = new ManualClock();
    for (const everyMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => startEvery({ clock, everyMs, run: async () => {}, onError: noErrors })).toThrow(expect.objectContaining({ code: Code.InvalidArgument }));
    }
  });
});
