// What the reply service's use cases need, passed in by service.ts. Interfaces only: no driver,
// adapter or configuration type reaches logic/.
import type { Clock } from '#kit/clock';
import type { WordFilter } from '#kit/wordfilter';
import type { ReviewModel } from './model/reviews.js';
import type { PurchaseBook } from './orders.js';

export interface ReplyDeps {
  readonly reviews: ReviewModel;
  /** The order service, asked with the buyer's id and the caller's deadline. */
  readonly purchases: PurchaseBook;
  /** Masks the configured words (reply.blockedWords) in a review's content. */
  readonly words: WordFilter;
  readonly ids: { next(): number };
  readonly clock: Clock;
}
