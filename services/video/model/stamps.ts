// published_at stamps. Each is unique across videos (a unique index), so two publishes in one
// ms need different stamps. This process hands out the clock's ms, or one past the last stamp
// it used when the clock has not moved: publishes from one process never collide. Another
// instance may still take the same ms; the insert then fails on the unique index and the
// publish asks again with the taken stamp reported, which moves past it.
import type { Clock } from '#kit/clock';

export interface Stamps {
  /** A stamp this process has not handed out: max(now, last + 1). */
  next(): number;
  /** Another writer holds `at`: later stamps go past it. */
  taken(at: number): void;
}

export function createStamps(clock: Clock): Stamps {
  let last = 0;
  return {
    next() {
      last = Math.max(clock.now(), last + 1);
      return last;
    },
    taken(at) {
      last = Math.max(last, at);
    },
  };
}
