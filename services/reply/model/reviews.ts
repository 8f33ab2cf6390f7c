// Queries on `reviews` and `review_summaries`. A review and its product's summary change in one
// transaction, so a summary is always exactly its product's reviews:
//   1. the product's summary row is made if missing, in a statement of its own (INSERT IGNORE,
//      committed at once), so the transaction below only ever updates an existing row;
//   2. in one transaction: the review is inserted (the unique key on order_id + product_id refuses
//      a second review of the pair), then the summary row is incremented in place.
// Summaries are read through the cache (review:summary:<productId>), dropped after a review commits:
// a product page asks for its summary on every view, a review changes it rarely.
// Why the row is made before and not inside the transaction: on MariaDB (REPEATABLE READ) an
// INSERT IGNORE that meets an existing row takes a shared lock on it, and an UPDATE that finds no
// row takes a gap lock; two concurrent reviews of one product holding either would both wait for
// the other's increment (a deadlock). Outside, each transaction takes one contested lock, the
// summary row's, always after its review row, so concurrent reviews queue on it and never cycle.
import { memoKeys, type Cache } from '#kit/cache';
import type { ServiceDatabase } from '#kit/store';
import { isUniqueViolation } from '#kit/store';
import type { Review, ReviewSummary } from '#gen/surge/reply/v1/reply';
import type { ReplyDB, ReviewsTable } from './tables.js';

const COLUMNS = ['id', 'order_id', 'product_id', 'user_id', 'rating', 'content', 'image_urls', 'created_at'] as const;

// MariaDB returns BIGINT columns as numbers or strings: every id, count and time goes through Number().
const toReview = (r: Pick<ReviewsTable, (typeof COLUMNS)[number]>): Review => ({
  id: Number(r.id),
  orderId: Number(r.order_id),
  productId: Number(r.product_id),
  userId: Number(r.user_id),
  rating: Number(r.rating),
  content: r.content,
  imageUrls: JSON.parse(r.image_urls) as string[],
  createdAt: Number(r.created_at),
});

export interface ReviewModel {
  /**
   * Stores the review and adds it to its product's summary, in one transaction. Resolves false,
   * with nothing changed, when this product of this order has a review already.
   */
  add(review: Review): Promise<boolean>;
  /** A product's reviews with ids below `beforeId` (all when undefined), newest first, at most `limit`. */
  page(productId: number, beforeId: number | undefined, limit: number): Promise<Review[]>;
  /** The summaries of these products, one per id in the order given; zeros for a product without reviews. */
  summaries(productIds: readonly number[]): Promise<ReviewSummary[]>;
}

export function createReviewModel(store: ServiceDatabase<ReplyDB>, cache: Cache): ReviewModel {
  const db = store.db;
  const summaryKey = memoKeys((productId) => `review:summary:${productId}`);

  /** The stored summaries of these products, zeros for one without a row. */
  async function readSummaries(productIds: readonly number[]): Promise<ReviewSummary[]> {
    const rows = await db
      .selectFrom('review_summaries')
      .select(['product_id', 'review_count', 'rating_sum'])
      .where('product_id', 'in', [...productIds])
      .execute();
    const byId = new Map(rows.map((r) => [Number(r.product_id), { count: Number(r.review_count), ratingSum: Number(r.rating_sum) }]));
    return productIds.map((productId) => {
      const { count, ratingSum } = byId.get(productId) ?? { count: 0, ratingSum: 0 };
      return { productId, count, ratingSum, averageRating: count === 0 ? 0 : ratingSum / count };
    });
  }

  /** Step 1 (see the top of this file): the summary row exists once this resolves. */
  async function ensureSummary(productId: number): Promise<void> {
    const found = await db.selectFrom('review_summaries').select('product_id').where('product_id', '=', productId).executeTakeFirst();
    if (!found) await store.insertIgnore('review_summaries', { product_id: productId, review_count: 0, rating_sum: 0 });
  }

  return {
    async add(review) {
      await ensureSummary(review.productId);
      try {
        await store.transaction(async (trx) => {
          await trx
            .insertInto('reviews')
            .values({
              id: review.id,
              order_id: review.orderId,
              product_id: review.productId,
              user_id: review.userId,
              rating: review.rating,
              content: review.content,
              image_urls: JSON.stringify(review.imageUrls),
              created_at: review.createdAt,
            })
            .execute();
          await trx
            .updateTable('review_summaries')
            .set((eb) => ({ review_count: eb('review_count', '+', 1), rating_sum: eb('rating_sum', '+', review.rating) }))
            .where('product_id', '=', review.productId)
            .execute();
        });
        await cache.del(summaryKey(review.productId));
        return true;
      } catch (err) {
        // The one unique key besides the snowflake id: this order's product is reviewed already.
        if (isUniqueViolation(err)) return false;
        throw err;
      }
    },

    async page(productId, beforeId, limit) {
      let query = db.selectFrom('reviews').select(COLUMNS).where('product_id', '=', productId);
      if (beforeId !== undefined) query = query.where('id', '<', beforeId);
      const rows = await query.orderBy('id', 'desc').limit(limit).execute();
      return rows.map(toReview);
    },

    async summaries(productIds) {
      if (productIds.length === 0) return [];
      const keys = productIds.map(summaryKey);
      const found = await cache.takeMany<ReviewSummary>(keys, async (missing) => {
        const idOf = new Map(keys.map((k, i) => [k, productIds[i]!]));
        const wanted = missing.map((k) => idOf.get(k)!);
        return new Map((await readSummaries(wanted)).map((s) => [summaryKey(s.productId), s]));
      });
      // Every id loads a summary (zeros without reviews), so every key is found.
      return keys.map((k) => found.get(k)!);
    },
  };
}
