// What the article service's use cases need, passed in by service.ts. Interfaces only: no
// driver, adapter or configuration type reaches logic/.
import type { Clock } from '#kit/clock';
import type { WordFilter } from '#kit/wordfilter';
import type { ArticleModel } from './model/articles.js';
import type { ListModel } from './model/lists.js';
import type { EventSink } from './model/tx.js';
import type { ViewCounter } from './views.js';

export interface ArticleDeps {
  readonly articles: ArticleModel;
  readonly lists: ListModel;
  /** Masks the configured words in titles and bodies before they are stored. */
  readonly words: WordFilter;
  readonly ids: { next(): number };
  /** Records events in the writing transaction and publishes them after commit (#kit/outbox). */
  readonly events: EventSink;
  /** Buffers detail reads' views, written in batches. */
  readonly views: ViewCounter;
  readonly clock: Clock;
}
