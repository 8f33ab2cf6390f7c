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
  /** Writes what is buffered. */
  close(): Promise<void>;
}

export function createViewCounter(o: { articles: Pick<ArticleModel, 'addViews'>; clock: Clock; log: Logger; flushIntervalMs?: number }): ViewCounter {
  const views = createBulkExecutor<number>(
    async (ids) => {
      const sums = new Map<number, number>();
      for (const id of ids) sums.set(id, (sums.get(id) ?? 0) + 1);
      await o.articles.addViews([...sums].map(([id, n]) => ({ id, views: n })));
    },
    {
      name: 'article views',
      maxItems: 10_000,
      flushIntervalMs: o.flushIntervalMs ?? 1000,
      clock: o.clock,
      onError: (err, ids) => o.log.warn({ err, views: ids.length }, 'a batch of article views was not written'),
    },
  );
  return {
    record(ids) {
      for (const id of ids) {
        try {
          // The promise settles with the batch; its failure reaches onError.
          void views.add(id).catch(() => {});
        } catch {
          return; // Overloaded or closing: views are dropped, the read goes on.
        }
      }
    },
    close: () => views.close(),
  };
}
