// Detail views counted in the gateway: a detail served from the page cache never reaches the
// article service, so the gateway counts its views per article and hands the sums over
// (RecordViews) once a second, one call however many reads. Views are a display figure, as in the
// article service's own buffer: a crash loses at most a second's, and past maxArticles distinct
// articles waiting, views are dropped rather than memory grown.
// Counted in a Map, not #kit/bulk's executor (which the article service uses): that one settles a
// promise per item, and here an item is every detail read on the gateway's hottest route.
import type { Logger } from 'pino';
import { systemClock, type Clock, type Timer } from '#kit/clock';

export interface ViewBuffer {
  /** Counts one view of id; never waits and never throws. */
  record(id: number): void;
  /** Hands over what is counted (the gateway stopping). */
  close(): Promise<void>;
}

/** Entries per RecordViews call (the article service's bound). */
const PER_CALL = 1000;

export interface ViewBufferOptions {
  /** Sends one batch of sums: the article client's recordViews. */
  send(views: { id: number; count: number }[]): Promise<unknown>;
  log: Pick<Logger, 'warn'>;
  clock?: Clock;
  flushIntervalMs?: number;
  /** Distinct articles counted at once, at most. Default 10,000. */
  maxArticles?: number;
}

export function createViewBuffer(o: ViewBufferOptions): ViewBuffer {
  const clock = o.clock ?? systemClock;
  const maxArticles = o.maxArticles ?? 10_000;
  let counts = new Map<number, number>();
  let timer: Timer | undefined;
  let closed = false;
  const sending = new Set<Promise<void>>();

  const flush = () => {
    timer = undefined;
    const batch = [...counts].map(([id, count]) => ({ id, count }));
    counts = new Map();
    for (let at = 0; at < batch.length; at += PER_CALL) {
      const part = batch.slice(at, at + PER_CALL);
      const p = o
        .send(part)
        .then(
          () => {},
          (err: unknown) => o.log.warn({ err, articles: part.length }, 'article views counted here were not handed to the article service'),
        )
        .finally(() => sending.delete(p));
      sending.add(p);
    }
  };

  return {
    record(id) {
      if (closed) return;
      const n = counts.get(id);
      if (n === undefined && counts.size >= maxArticles) return;
      counts.set(id, (n ?? 0) + 1);
      timer ??= clock.after(o.flushIntervalMs ?? 1000, flush);
    },
    async close() {
      closed = true;
      if (timer !== undefined) {
        timer.cancel();
        flush();
      }
      await Promise.all(sending);
    },
  };
}
