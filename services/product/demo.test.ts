// The demo catalog and the module's start: the same catalog from the same seed, the shape the
// brief asks for, searchable in both scripts; seeded on an empty embedded start only, and its ids
// in the filter before the first request.
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createCache } from '#kit/cache';
import { ManualClock, systemClock } from '#kit/clock';
import { createIdGenerator } from '#kit/ids';
import { createCallContext } from '#kit/rpc';
import type { ModuleContext } from '#kit/service';
import { testDatabases } from '#kit/testing';
import { DEMO_IMAGE_COUNT } from './demo/catalog.js';
import { seedDemoCatalog } from './demo/seed.js';
import { productMigrations } from './model/migrations.js';
import type { ProductDB } from './model/tables.js';
import { productModule, type ProductSections } from './module.js';
import { openProductFixture } from './testing/fixture.js';

const [sqlite] = await testDatabases();
afterAll(() => sqlite!.cleanup());

const config = (over: Partial<ProductSections['product']> = {}): ProductSections => ({
  product: { demoData: true, homeRefreshSeconds: 30, rankingSize: 10, barrierRetentionDays: 30, bloomExpectedItems: 100_000, listCacheSize: 500, listLocalTtlMs: 5000, ...over },
});

async function start(o: { embedded: boolean; config: ProductSections; db?: ModuleContext<ProductDB>['db'] }) {
  const db = o.db ?? (await sqlite!.open<ProductDB>('product', productMigrations));
  const clock = new ManualClock(Date.now());
  const cache = createCache({ name: 'product', clock: systemClock });
  const ctx = {
    name: 'product', config: o.config, db, cache: () => cache, clock, log: pino({ level: 'silent' }),
    ids: createIdGenerator({ workerId: 2, clock: systemClock }), redis: undefined, keyPrefix: 'surge:', embedded: o.embedded, defer: () => undefined,
  } as unknown as ModuleContext<ProductDB, ProductSections>;
  const handlers = await productModule.handlers(ctx);
  const call = () => createCallContext({ clock: systemClock, timeoutMs: 30_000 });
  return { db, handlers, call };
}

describe('the demo catalog', () => {
  it('is the same from the same seed: a dozen categories in two levels, 1,000 products, banners and featured', async () => {
    const f = await openProductFixture(sqlite!);
    const g = await openProductFixture(sqlite!);
    const one = await seedDemoCatalog({ db: f.raw, ids: createIdGenerator({ workerId: 3, clock: systemClock }), clock: new ManualClock(1_800_000_000_000) });
    const two = await seedDemoCatalog({ db: g.raw, ids: createIdGenerator({ workerId: 4, clock: systemClock }), clock: new ManualClock(1_800_000_000_000) });
    expect(one).toEqual({ seeded: true, categories: 12, products: 1000, banners: 4, featured: 10 });
    expect(two).toEqual(one);
    const content = (db: typeof f.raw) => db.db.selectFrom('products').select(['name', 'subtitle', 'price_cents', 'stock', 'sales', 'status', 'image_urls', 'created_at']).orderBy('id').execute();
    expect(await content(g.raw)).toEqual(await content(f.raw));

    const tree = (await (await f.restart()).rpc.listCategories({})).categories;
    expect(tree).toHaveLength(4);
    expect(tree.every((c) => c.children.length === 2)).toBe(true);
    const rows = await content(f.raw);
    expect(rows.every((r) => Number(r.price_cents) >= 4_900 && Number.isSafeInteger(Number(r.price_cents)))).toBe(true);
    for (const r of rows) for (const url of JSON.parse(r.image_urls) as string[]) {
      const n = Number(/^\/api\/v1\/mall\/demo-images\/(\d+)\.svg$/.exec(url)?.[1]);
      expect(n >= 1 && n <= DEMO_IMAGE_COUNT, url).toBe(true);
    }
    // Mixed scripts, searchable both ways; a second seed of a full catalog writes nothing.
    const served = await f.restart();
    expect((await served.rpc.search({ q: '手机', cursor: '', limit: 50 })).products.length).toBeGreaterThan(10);
    expect((await served.rpc.search({ q: 'iPhone 15', cursor: '', limit: 5 })).products[0]!.name).toMatch(/iPhone 15/);
    expect((await served.rpc.search({ q: '机械键盘', cursor: '', limit: 5 })).products[0]!.name).toMatch(/机械键盘/);
    const home = await served.rpc.home({});
    expect(home.banners).toHaveLength(4);
    expect(home.ranking).toHaveLength(10);
    expect(home.featured.length).toBeGreaterThan(0);
    expect((await seedDemoCatalog({ db: f.raw, ids: createIdGenerator({ workerId: 3, clock: systemClock }), clock: new ManualClock() })).seeded).toBe(false);
  });

  it('the module seeds an empty catalog on an embedded start, once, and serves its ids from the filter', async () => {
    const first = await start({ embedded: true, config: config() });
    const page = await first.handlers.listProducts({ categoryId: 0, sort: 'sales', cursor: '', limit: 3 }, first.call());
    expect(page.products).toHaveLength(3);
    const again = await start({ embedded: true, config: config(), db: first.db });
    const count = async () => Number((await first.db.db.selectFrom('products').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    expect(await count()).toBe(1000);
    // A fresh process: its filter was filled from the database, so every stored id is found.
    const ids = page.products.map((p) => p.id);
    expect((await again.handlers.getProducts({ ids }, again.call())).products.map((p) => p.id)).toEqual(ids);
  });

  it('leaves the catalog empty with product.demoData false, and on servers', async () => {
    for (const o of [{ embedded: true, config: config({ demoData: false }) }, { embedded: false, config: config() }]) {
      const s = await start(o);
      expect((await s.handlers.listCategories({}, s.call())).categories).toEqual([]);
    }
  });
});
