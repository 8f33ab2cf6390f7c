// Wires the reply service: the review model over the service's own database and cache, the
// order service as the judge of who bought what, the word filter over the configured words, then
// one handler per RPC method, each a use case in logic/.
import type { Cache } from '#kit/cache';
import type { Clock } from '#kit/clock';
import type { ServiceImpl } from '#kit/rpc';
import type { ServiceDatabase } from '#kit/store';
import { createWordFilter } from '#kit/wordfilter';
import { ReplyServiceDefinition } from '#gen/surge/reply/v1/reply';
import type { ReplyDeps } from './deps.js';
import { createReview } from './logic/create-review.js';
import { getSummaries } from './logic/get-summaries.js';
import { listReviews } from './logic/list-reviews.js';
import { createReviewModel } from './model/reviews.js';
import type { ReplyDB } from './model/tables.js';
import type { PurchaseBook } from './orders.js';

export interface ReplyServiceOptions {
  /** Opened with replyMigrations. */
  db: ServiceDatabase<ReplyDB>;
  /** Holds the review summaries a product page reads on every view. */
  cache: Cache;
  clock: Clock;
  /** Snowflake ids for reviews (createIdGenerator from #kit/ids). */
  ids: { next(): number };
  /** The order service: purchaseBook over its client. */
  purchases: PurchaseBook;
  /** The words masked in review content (reply.blockedWords); [] masks nothing. */
  blockedWords: readonly string[];
}

export type ReplyService = ServiceImpl<typeof ReplyServiceDefinition>;

export function defineReplyService(o: ReplyServiceOptions): ReplyService {
  const d: ReplyDeps = { reviews: createReviewModel(o.db, o.cache), purchases: o.purchases, words: createWordFilter({ words: o.blockedWords }), ids: o.ids, clock: o.clock };
  return {
    createReview: (req, ctx) => createReview(d, req, ctx),
    listReviews: (req) => listReviews(d, req),
    getSummaries: (req) => getSummaries(d, req),
  };
}
