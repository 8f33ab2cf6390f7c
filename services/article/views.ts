// View counts: every detail read records a view in a per-instance buffer (#kit/bulk), written as
// one `view_count + n` per article each second, so a hot article's thousand reads a second are
// one row update. Views are a display figure, not money: a crash loses at most the last second's,
// and a full buffer drops views rather than slow a read.
import type { Logger } from 'pino';
import { createBulkExecutor } from '#kit/bulk';
import type { Clock } from '#kit/clock';
import type { ArticleModel } from './model/articles.js';

export interface ViewCounter {
  /** Counts one view of each id; never waits and never throws. */
  record(ids: readonly number[]): void;
  /** Counts `views` views of each id (counted elsewhere first); never waits and never throws. */
  recordCounts(counts: readonly { id: number; views: number }[]): void;
  /** Writes what is buffered. */
  close(): Promise<void>;
}

export function createViewCounter(o: { articles: Pick<ArticleModel, 'addViews'>; clock: Clock; log: Logger; flushIntervalMs?: number }): ViewCounter {
  const views = createBulkExecutor<{ id: number; views: number }>(
    async (items) => {
      const sums = new Map<number, number>();
      for (const { id, views: n } of items) sums.set(id, (sums.get(id) ?? 0) + n);
      await o.articles.addViews([...sums].map(([id, n]) => ({ id, views: n })));
    },
    {
      name: 'article views',
      maxItems: 10_000,
      flushIntervalMs: o.flushIntervalMs ?? 1000,
      clock: o.clock,
      onError: (err, items) => o.log.warn({ err, views: items.length }, 'a batch of article views was not written'),
    },
  );
  const recordCounts = (counts: readonly { id: number; views: number }[]) => {
    for (const item of counts) {
      try {
        // The promise settles with the batch; its failure reaches onError.
        void views.add(item).catch(() => {});
      } catch {
        return; // Overloaded or closing: views are dropped, the read goes on.
      }
    }
  };
  return {
    record: (ids) => recordCounts(ids.map((id) => ({ id, views: 1 }))),
    recordCounts,
    close: () => views.close(),
  };
}
