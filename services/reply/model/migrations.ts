// The reply service's tables in its own database. Runs on SQLite and MariaDB alike.
import type { Kysely } from 'kysely';
import type { Migration } from '#kit/store';

export const replyMigrations: Record<string, Migration> = {
  '0001_create_reviews': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('reviews')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('order_id', 'bigint', (c) => c.notNull())
        .addColumn('product_id', 'bigint', (c) => c.notNull())
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('rating', 'integer', (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('image_urls', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      // Once per product per order: a second review of the pair is refused by the key itself,
      // whatever the timing of two concurrent calls.
      await db.schema.createIndex('reviews_once_per_order_product').unique().on('reviews').columns(['order_id', 'product_id']).execute();
      // ListReviews: a product's reviews, newest (largest id) first.
      await db.schema.createIndex('reviews_by_product').on('reviews').columns(['product_id', 'id']).execute();

      await db.schema
        .createTable('review_summaries')
        .addColumn('product_id', 'bigint', (c) => c.primaryKey())
        .addColumn('review_count', 'bigint', (c) => c.notNull())
        .addColumn('rating_sum', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('review_summaries').execute();
      await db.schema.dropTable('reviews').execute();
    },
  },
};
