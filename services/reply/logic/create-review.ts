import type { CallContext } from '#kit/rpc';
import type { CreateReviewRequest, Review } from '#gen/surge/reply/v1/reply';
import type { ReplyDeps } from '../deps.js';
import { COMPLETED, refusals } from '../refusals.js';
import { checkContent, checkId, checkImageUrls, checkRating } from '../rules.js';

/**
 * The buyer reviews one product of one of their completed orders, once per product per order.
 * The input is checked first; then the order service says whose order it is, its status and its
 * products (asked with the caller's user id, so another user's order is NotFound); the content is
 * stored with the configured words masked, and the product's summary changes with the insert.
 */
export async function createReview(d: ReplyDeps, req: CreateReviewRequest, ctx: CallContext): Promise<Review> {
  const userId = checkId('user_id', req.userId);
  const orderId = checkId('order_id', req.orderId);
  const productId = checkId('product_id', req.productId);
  const rating = checkRating(req.rating);
  const content = checkContent(req.content);
  const imageUrls = checkImageUrls(req.imageUrls);

  const order = await d.purchases.find(userId, orderId, ctx);
  if (order.status !== COMPLETED) throw refusals.notCompleted(order.status);
  if (!order.productIds.includes(productId)) throw refusals.notInOrder();

  const review: Review = { id: d.ids.next(), orderId, productId, userId, rating, content: d.words.mask(content), imageUrls, createdAt: d.clock.now() };
  if (!(await d.reviews.add(review))) throw refusals.reviewed();
  return review;
}
