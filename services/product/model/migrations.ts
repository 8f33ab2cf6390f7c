// The product service's tables, plus the saga barrier's (its stock branches run behind it).
// Runs on SQLite and MariaDB alike.
import type { Kysely } from 'kysely';
import { barrierMigrations } from '#kit/saga';
import { termColumnType } from '#kit/search';
import type { Migration } from '#kit/store';

export const productMigrations: Record<string, Migration> = {
  ...barrierMigrations,
  '0001_create_catalog': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('categories')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('name', 'varchar(80)', (c) => c.notNull())
        .addColumn('parent_id', 'bigint', (c) => c.notNull())
        .addColumn('sort', 'integer', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('products')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('name', 'varchar(400)', (c) => c.notNull())
        .addColumn('subtitle', 'varchar(800)', (c) => c.notNull())
        .addColumn('category_id', 'bigint', (c) => c.notNull())
        .addColumn('image_urls', 'text', (c) => c.notNull())
        .addColumn('price_cents', 'bigint', (c) => c.notNull())
        .addColumn('stock', 'bigint', (c) => c.notNull())
        .addColumn('sales', 'bigint', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      // One index per list order, over every category and within one (a parent's list is an IN
      // over its children): each page is a range scan, never a sort of the whole catalog.
      const orders = { newest: 'created_at', price: 'price_cents', sales: 'sales' } as const;
      for (const [name, column] of Object.entries(orders)) {
        await db.schema.createIndex(`products_${name}`).on('products').columns(['status', column, 'id']).execute();
        await db.schema.createIndex(`products_category_${name}`).on('products').columns(['category_id', 'status', column, 'id']).execute();
      }

      await db.schema
        .createTable('product_terms')
        .addColumn('term', termColumnType(db), (c) => c.notNull())
        .addColumn('product_id', 'bigint', (c) => c.notNull())
        .addColumn('weight', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('product_terms_key', ['term', 'product_id'])
        .execute();
      // A product's terms, to replace them when its name or subtitle changes.
      await db.schema.createIndex('product_terms_by_product').on('product_terms').column('product_id').execute();

      await db.schema
        .createTable('banners')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('title', 'varchar(200)', (c) => c.notNull())
        .addColumn('image_url', 'varchar(512)', (c) => c.notNull())
        .addColumn('link', 'varchar(512)', (c) => c.notNull())
        .addColumn('sort', 'integer', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('featured')
        .addColumn('product_id', 'bigint', (c) => c.primaryKey())
        .addColumn('sort', 'integer', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const table of ['featured', 'banners', 'product_terms', 'products', 'categories']) await db.schema.dropTable(table).execute();
    },
  },
  '0002_create_user_tables': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('favorites')
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('product_id', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('favorites_key', ['user_id', 'product_id'])
        .execute();
      // A user's favorites, newest first.
      await db.schema.createIndex('favorites_by_user').on('favorites').columns(['user_id', 'created_at', 'product_id']).execute();

      await db.schema
        .createTable('user_categories')
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('category_id', 'bigint', (c) => c.notNull())
        .addColumn('weight', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('user_categories_key', ['user_id', 'category_id'])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('user_categories').execute();
      await db.schema.dropTable('favorites').execute();
    },
  },
};
