import type { ListReviewsRequest, ReviewPage } from '#gen/surge/reply/v1/reply';
import type { ReplyDeps } from '../deps.js';
import { decodeCursor, encodeCursor } from '../model/cursor.js';
import { checkId, checkPageSize } from '../rules.js';

/** A product's reviews newest first, a page at a time (limit 1–50, default 20; opaque cursor). */
export async function listReviews(d: ReplyDeps, req: ListReviewsRequest): Promise<ReviewPage> {
  const productId = checkId('product_id', req.productId);
  const beforeId = decodeCursor(req.cursor);
  const limit = checkPageSize(req.limit);
  // One more than the page: whether it is there says whether this page is the last.
  const rows = await d.reviews.page(productId, beforeId, limit + 1);
  const reviews = rows.slice(0, limit);
  const isEnd = rows.length <= limit;
  return { reviews, nextCursor: isEnd ? '' : encodeCursor(reviews[reviews.length - 1]!.id), isEnd };
}
