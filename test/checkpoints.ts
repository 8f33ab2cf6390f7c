// Faults placed mid-run whatever the machine's speed: a load calls wait() before each request,
// and a fault step registered at checkpoint n runs once the load has made n units of progress.
// Until the step is done, the load is held at most `margin` past n, so the fault always lands while
// the run still has work left (a fast machine cannot finish the run first), with the requests
// already sent still in flight.
export interface Checkpoints {
  /** Before each request of the load: returns at once unless a step is under way and the load is `margin` past its checkpoint. */
  wait(): Promise<void>;
  /** Waits for progress n, runs step, releases the load; resolves the progress seen when the step began. */
  at(n: number, step: () => Promise<void>): Promise<number>;
}

export function checkpoints(progress: () => number, margin: number): Checkpoints {
  let limit = Infinity;
  let gate: Promise<void> = Promise.resolve();
  return {
    async wait() {
      while (progress() >= limit) await gate;
    },
    async at(n, step) {
      let open!: () => void;
      gate = new Promise<void>((resolve) => (open = resolve));
      limit = n + margin;
      try {
        while (progress() < n) await new Promise((r) => setTimeout(r, 5));
        const seen = progress();
        await step();
        return seen;
      } finally {
        limit = Infinity;
        open();
      }
    },
  };
}
