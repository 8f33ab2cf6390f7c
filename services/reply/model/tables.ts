// Kysely types of the reply service's tables.

/** One review: one product of one order, by its buyer (unique order_id + product_id). */
export interface ReviewsTable {
  /** Snowflake id: id order is the order reviews were written in (lists are newest first by it). */
  id: number;
  order_id: number;
  product_id: number;
  user_id: number;
  /** 1 .. 5. */
  rating: number;
  /** As shown: trimmed, configured words masked. */
  content: string;
  /** The image URLs as a JSON array of strings (0–6 of them). */
  image_urls: string;
  /** ms since the epoch. */
  created_at: number;
}

/**
 * A product's review count and rating sum, changed in the same transaction as each review insert
 * (model/reviews.ts), so a summary is exact and never recounted at read time. A row of zeros can
 * exist for a product whose first review was refused after the row was made.
 */
export interface ReviewSummariesTable {
  product_id: number;
  review_count: number;
  rating_sum: number;
}

export interface ReplyDB {
  reviews: ReviewsTable;
  review_summaries: ReviewSummariesTable;
}
