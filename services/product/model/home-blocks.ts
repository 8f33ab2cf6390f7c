// The home page's blocks kept in this process and refreshed ahead of readers: a reader always
// gets the value in hand; once it is older than refreshMs (or a product write marked it stale),
// the read starts ONE background refresh and still answers the old value, so no crowd of readers
// ever waits on, or repeats, the queries when it ages (the breakdown a plain TTL would have).
// Only the very first read, with nothing in hand, waits, and concurrent first readers share
// that one load. A failed refresh keeps the old value and is tried again on a later read.
import type { Logger } from 'pino';
import type { Clock } from '#kit/clock';

export interface RefreshingValue<T> {
  /** The value in hand (starting a refresh when it is old), or the first load's. */
  get(): Promise<T>;
  /** A write changed what the value is made of: refresh now, in the background. */
  invalidate(): void;
  /** Resolves when no refresh is running (tests wait on it instead of sleeping). */
  settled(): Promise<void>;
}

export interface RefreshingValueOptions<T> {
  load: () => Promise<T>;
  refreshMs: number;
  clock: Clock;
  log: Pick<Logger, 'warn'>;
}

export function createRefreshingValue<T>(o: RefreshingValueOptions<T>): RefreshingValue<T> {
  let value: { data: T; loadedAt: number } | undefined;
  let running: Promise<void> | undefined;
  // A write arrived while a refresh ran: that refresh may have read before it, so run another.
  let again = false;
  /** The value once a load has succeeded (a function, so the compiler does not keep an earlier narrowing). */
  const loaded = () => value!;

  const inBackground = () =>
    void refresh().catch((err: unknown) => o.log.warn({ err }, 'home blocks refresh failed; serving the previous ones'));

  const refresh = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    const startedAt = o.clock.monotonic();
    running = o
      .load()
      .then((data) => {
        value = { data, loadedAt: startedAt };
      })
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          inBackground();
        }
      });
    return running;
  };

  return {
    async get() {
      const held = value;
      if (held) {
        if (o.clock.monotonic() - held.loadedAt >= o.refreshMs && !running) inBackground();
        return held.data;
      }
      // The first load, shared: joining a running one does not ask for another after it.
      await (running ?? refresh());
      return loaded().data;
    },

    invalidate() {
      // Nothing in hand yet: the first read loads anyway.
      if (value) inBackground();
    },

    async settled() {
      while (running) await running.catch(() => undefined);
    },
  };
}
