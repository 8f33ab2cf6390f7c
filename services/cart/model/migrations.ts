// The cart service's tables in its own database. Runs on SQLite and MariaDB alike.
import type { Kysely } from 'kysely';
import type { Migration } from '#kit/store';

export const cartMigrations: Record<string, Migration> = {
  '0001_create_cart_items': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('cart_items')
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('product_id', 'bigint', (c) => c.notNull())
        .addColumn('quantity', 'integer', (c) => c.notNull())
        .addColumn('checked', 'boolean', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        // A product is one line of a cart: setting it again changes the line.
        .addPrimaryKeyConstraint('cart_items_pk', ['user_id', 'product_id'])
        .execute();
      // GetCart: a user's lines, newest first (product_id breaks ties of one millisecond).
      await db.schema.createIndex('cart_items_by_user_time').on('cart_items').columns(['user_id', 'updated_at', 'product_id']).execute();

      await db.schema
        .createTable('carts')
        .addColumn('user_id', 'bigint', (c) => c.primaryKey())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('carts').execute();
      await db.schema.dropTable('cart_items').execute();
    },
  },
};
