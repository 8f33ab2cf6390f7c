// The demo catalog: a dozen categories in two levels, ~1,000 products drawn from demo/catalog.ts
// with a seeded random source (the same catalog on every run, ids aside), 4 banners and 10
// featured products, written in one transaction with their search terms. Embedded mode seeds an
// empty catalog on start (product.demoData); servers run it through `surge seed mall`.
import type { Kysely } from 'kysely';
import type { BloomFilter } from '#kit/bloom';
import type { Clock } from '#kit/clock';
import type { ServiceDatabase } from '#kit/store';
import type { ProductDB, ProductsTable, ProductTermsTable } from '../model/tables.js';
import { productTerms } from '../model/terms.js';
import { DEMO_BANNERS, DEMO_CATEGORIES, IMAGES_PER_LEAF, demoImageUrl } from './catalog.js';
import { seededRandom } from '#kit/random';

export interface SeedDemoOptions {
  db: ServiceDatabase<ProductDB>;
  ids: { next(): number };
  clock: Clock;
  /** Default 1000. */
  products?: number;
  /** Default 20261206: another seed draws another catalog. */
  seed?: number;
  /** A filter of product ids the running service reads (shared in Redis): the new ids are added to it. */
  productIds?: BloomFilter;
}

export interface SeedDemoReport {
  /** false: the catalog was not empty, and nothing was written. */
  seeded: boolean;
  categories: number;
  products: number;
  banners: number;
  featured: number;
}

const DAY_MS = 86_400_000;
/** Rows per INSERT: well under both databases' limits on bound parameters. */
const CHUNK = { products: 100, terms: 500 } as const;

export async function catalogIsEmpty(db: Kysely<ProductDB>): Promise<boolean> {
  const [category, product] = await Promise.all([
    db.selectFrom('categories').select('id').limit(1).executeTakeFirst(),
    db.selectFrom('products').select('id').limit(1).executeTakeFirst(),
  ]);
  return category === undefined && product === undefined;
}

/** Writes the demo catalog into an empty catalog; leaves any other catalog alone (seeded: false). */
export async function seedDemoCatalog(o: SeedDemoOptions): Promise<SeedDemoReport> {
  const random = seededRandom(o.seed ?? 20261206);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const total = o.products ?? 1000;
  const now = o.clock.now();

  const categories: { id: number; name: string; parent_id: number; sort: number }[] = [];
  const products: ProductsTable[] = [];
  const leaves = DEMO_CATEGORIES.flatMap((parent, p) => {
    const parentId = o.ids.next();
    categories.push({ id: parentId, name: parent.name, parent_id: 0, sort: p });
    return parent.children.map((leaf, c) => {
      const id = o.ids.next();
      categories.push({ id, name: leaf.name, parent_id: parentId, sort: c });
      return { id, leaf };
    });
  });

  for (let i = 0; i < total; i++) {
    const at = i % leaves.length;
    const { id: categoryId, leaf } = leaves[at]!;
    const name = `${pick(leaf.brands)} ${pick(leaf.items)} ${pick(leaf.variants)}`;
    const firstImage = at * IMAGES_PER_LEAF + 1;
    const images = Array.from({ length: between(1, 3) }, () => demoImageUrl(firstImage + between(0, IMAGES_PER_LEAF - 1)));
    // Sales skewed like a real shop's: most sell little, a few sell a lot.
    const sales = Math.floor(random() ** 3 * 20_000);
    const createdAt = now - between(0, 90 * DAY_MS);
    products.push({
      id: o.ids.next(),
      name,
      subtitle: pick(leaf.subtitles),
      category_id: categoryId,
      image_urls: JSON.stringify(images),
      price_cents: between(leaf.priceYuan[0], leaf.priceYuan[1]) * 100 + pick([0, 0, 50, 90]),
      stock: random() < 0.05 ? 0 : between(1, 500),
      sales,
      status: random() < 0.03 ? 'off_shelf' : 'on_sale',
      detail: `${name}\n${pick(leaf.subtitles)}。演示商品，仅供体验。`,
      created_at: createdAt,
      updated_at: createdAt,
    });
  }

  const leafImages = leaves.length * IMAGES_PER_LEAF;
  const banners = DEMO_BANNERS.map((b, i) => ({ id: o.ids.next(), title: b.title, image_url: demoImageUrl(leafImages + i + 1), link: b.link, sort: i }));
  const onSale = products.filter((p) => p.status === 'on_sale');
  const featured = new Set<number>();
  while (featured.size < Math.min(10, onSale.length)) featured.add(pick(onSale).id);

  const terms: ProductTermsTable[] = products.flatMap((p) => [...productTerms(p.name, p.subtitle)].map(([term, weight]) => ({ term, product_id: p.id, weight })));

  const seeded = await o.db.transaction(async (trx) => {
    // Checked inside the write transaction: on SQLite (embedded, where it seeds on start) no other
    // write runs between the check and the rows. Servers seed by hand, once (`surge seed mall`).
    if (!(await catalogIsEmpty(trx))) return false;
    await trx.insertInto('categories').values(categories).execute();
    for (let i = 0; i < products.length; i += CHUNK.products) await trx.insertInto('products').values(products.slice(i, i + CHUNK.products)).execute();
    for (let i = 0; i < terms.length; i += CHUNK.terms) await trx.insertInto('product_terms').values(terms.slice(i, i + CHUNK.terms)).execute();
    await trx.insertInto('banners').values(banners).execute();
    await trx.insertInto('featured').values([...featured].map((product_id, sort) => ({ product_id, sort }))).execute();
    return true;
  });
  if (!seeded) return { seeded: false, categories: 0, products: 0, banners: 0, featured: 0 };
  await o.productIds?.addMany(products.map((p) => p.id));
  return { seeded: true, categories: categories.length, products: products.length, banners: banners.length, featured: featured.size };
}
