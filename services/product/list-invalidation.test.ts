// The category list cache never serves a list a write has changed: a create, a price, status or
// category change, a reservation and a release each show on the very next page read, on the
// writing instance and (lists in Redis) on another one; an instance keeping its lists in process
// would not see another's write, which is why the module puts them in Redis whenever there is
// Redis. A backfill that read the database before a write, landing after it, is never served; one
// load per list and generation; lists expire; an unreachable Redis leaves the pages to SQL.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createCache } from '#kit/cache';
import { systemClock } from '#kit/clock';
import { connectRedis } from '#kit/redis';
import { createCategoryModel } from './model/categories.js';
import { createCategoryLists, type CategoryLists } from './model/category-lists.js';
import { createListStore } from './model/list-store.js';
import { createListModel, type Keyed, type ListModel } from './model/lists.js';
import { openProductFixture, type ProductFixture } from './testing/fixture.js';
import { LIST_ORDERS as ORDERS, listSetups } from './testing/list-setups.js';

const { setups, sqlite, runPrefix, redis, listsIn } = await listSetups();
const silent = pino({ level: 'silent' });

const idsOf = (found: readonly Keyed[]) => found.map((k) => k.id);

for (const setup of setups) {
  describe.skipIf(!setup.available)(`category list invalidation on ${setup.name}`, () => {
    it('shows every write that moves a list on the next page read, on every instance sharing the lists', async () => {
      const shared = listsIn(setup);
      const writer = await openProductFixture(setup.kind, shared);
      // Lists in Redis: another instance reads what the writer wrote. In process: the writer reads.
      // (The id filter is shared too, as it is in Redis: the rows of the writer's new products must be found.)
      const reader = setup.inRedis ? await writer.restart({ ...shared, productIds: writer.productIds }) : writer;
      const alone = setup.inRedis ? await writer.restart({ productIds: writer.productIds }) : undefined;
      const phones = await writer.category('手机数码');
      const handsets = await writer.category('手机', phones.id);
      const audio = await writer.category('耳机', phones.id);
      const books = await writer.category('书');
      const made = [];
      for (let i = 0; i < 8; i++) {
        made.push(await writer.product({ categoryId: [handsets.id, audio.id][i % 2]!, name: `商品 ${i}`, priceCents: 100 * (1 + (i % 3)) }));
        writer.clock.advance(1000);
      }
      const categoryIds = [handsets.id, audio.id, phones.id, books.id, 0];

      /** Every list's first pages on `on` equal the database's now (an instance with the cache off). */
      const expectFresh = async (on: ProductFixture, step: string) => {
        const truth = await writer.restart({ listCacheSize: 0 });
        for (const categoryId of categoryIds) {
          for (const sort of ORDERS) {
            for (const limit of [3, 50]) {
              const want = await truth.rpc.listProducts({ categoryId, sort, cursor: '', limit });
              const got = await on.rpc.listProducts({ categoryId, sort, cursor: '', limit });
              const page = (p: typeof got) => ({ ids: p.products.map((x) => x.id), nextCursor: p.nextCursor, isEnd: p.isEnd });
              expect(page(got), `${step}: category ${categoryId} ${sort} by ${limit}`).toEqual(page(want));
            }
          }
        }
      };
      const newestOf = async (on: ProductFixture, categoryId: number) => (await on.rpc.listProducts({ categoryId, sort: 'newest', cursor: '', limit: 50 })).products.map((p) => p.id);

      await expectFresh(reader, 'warm');
      if (alone) await newestOf(alone, handsets.id);

      const fresh = await writer.product({ categoryId: handsets.id, name: '新手机', priceCents: 150 });
      await expectFresh(reader, 'create');
      expect(await newestOf(reader, handsets.id)).toContain(fresh.id);
      // An instance with its own lists still serves the one it read before the write.
      if (alone) expect(await newestOf(alone, handsets.id)).not.toContain(fresh.id);

      await writer.rpc.updateProduct({ id: made[0]!.id, priceCents: 99_999 });
      await expectFresh(reader, 'price');
      await writer.rpc.updateProduct({ id: made[1]!.id, status: 'off_shelf' });
      await expectFresh(reader, 'off the shelf');
      expect(await newestOf(reader, audio.id)).not.toContain(made[1]!.id);
      await writer.rpc.updateProduct({ id: made[1]!.id, status: 'on_sale' });
      await expectFresh(reader, 'back on sale');
      await writer.rpc.updateProduct({ id: made[2]!.id, categoryId: books.id });
      await expectFresh(reader, 'moved to another category');
      expect(await newestOf(reader, books.id)).toEqual([made[2]!.id]);

      const items = [{ productId: made[3]!.id, quantity: 7 }];
      await writer.rpc.reserveStock({ gid: 'g1', branch: 'stock', userId: 1, items });
      await expectFresh(reader, 'reserved');
      expect((await reader.rpc.listProducts({ categoryId: phones.id, sort: 'sales', cursor: '', limit: 1 })).products.map((p) => p.id)).toEqual([made[3]!.id]);
      await writer.rpc.releaseStock({ gid: 'g1', branch: 'stock', userId: 1, items });
      await expectFresh(reader, 'released');

      // And the lists answer from the cache between writes: reading them again costs no query.
      const before = reader.queries();
      for (const categoryId of categoryIds) for (const sort of ORDERS) await reader.rpc.listProducts({ categoryId, sort, cursor: '', limit: 50 });
      expect(reader.queries() - before).toBe(0);
    }, 120_000);

    it('never serves a backfill that read the database before a write; one load per list and generation; lists expire', async () => {
      const f = await openProductFixture(setup.kind);
      const c = await f.category('书');
      const old: number[] = [];
      for (let i = 0; i < 3; i++) {
        old.unshift((await f.product({ categoryId: c.id, name: `书 ${i}` })).id);
        f.clock.advance(1000);
      }
      const sql = createListModel(f.raw.db);
      let loads = 0;
      let loaded!: () => void;
      const firstLoadRead = new Promise<void>((resolve) => (loaded = resolve));
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      // The first load reads the database, then waits: a write lands meanwhile.
      const lists: ListModel = {
        ...sql,
        async byCategory(categories, order, from, limit) {
          const found = await sql.byCategory(categories, order, from, limit);
          if (++loads === 1) {
            loaded();
            await gate;
          }
          return found;
        },
      };
      const { keyPrefix } = listsIn(setup);
      const cl: CategoryLists = createCategoryLists({
        store: createListStore({ redis: setup.inRedis ? redis() : undefined, keyPrefix: keyPrefix ?? '', clock: f.clock }),
        lists,
        categories: createCategoryModel(f.raw, createCache({ name: 'product', clock: systemClock })),
        size: 500,
        ttlMs: 60_000,
        random: () => 1, // the longest TTL: 63 s
        log: silent,
      });
      const category = { id: c.id, covering: [c.id] };
      const page = () => cl.byCategory(category, 'newest', undefined, 20);

      const first = page();
      await firstLoadRead;
      const made = await f.product({ categoryId: c.id, name: '新书' });
      await cl.invalidate([c.id]);
      // A read after the write starts a load of its own rather than joining the one in flight.
      expect(idsOf(await page())).toEqual([made.id, ...old]);
      open();
      expect(idsOf(await first)).toEqual(old); // it read before the write
      // The first load's list landed after the write: it is never served.
      expect(idsOf(await page())).toEqual([made.id, ...old]);
      const settled = loads;
      expect(settled).toBeLessThanOrEqual(3);
      expect(idsOf(await page())).toEqual([made.id, ...old]);
      expect(loads).toBe(settled);

      // Twenty readers of a list a write dropped: one load.
      await cl.invalidate([c.id]);
      const readers = await Promise.all(Array.from({ length: 20 }, page));
      expect(readers.map(idsOf)).toEqual(Array(20).fill([made.id, ...old]));
      expect(loads).toBe(settled + 1);

      // The TTL: 60 s, jittered to at most 63 s.
      if (setup.inRedis) {
        const ttl = await redis()!.pttl(`${keyPrefix}product:list:${c.id}:newest`);
        expect(ttl).toBeGreaterThan(57_000);
        expect(ttl).toBeLessThanOrEqual(63_000);
      } else {
        f.clock.advance(62_000);
        await page();
        expect(loads).toBe(settled + 1);
        f.clock.advance(1_001);
        await page();
        expect(loads).toBe(settled + 2);
      }
    });
  });
}

describe.skipIf(!sqlite.available)('category lists with Redis unreachable', () => {
  it('answers every page from the database, exactly', async () => {
    const down = connectRedis({ host: '127.0.0.1', port: 1, name: 'surge-product-test-down' });
    try {
      const f = await openProductFixture(sqlite, { listRedis: down, keyPrefix: runPrefix, listCacheSize: 500 });
      const c = await f.category('书');
      const made = [];
      for (let i = 0; i < 5; i++) made.push(await f.product({ categoryId: c.id, name: `书 ${i}`, priceCents: 100 + i }));
      await f.rpc.updateProduct({ id: made[0]!.id, priceCents: 1_000 });
      const ids = [];
      let cursor = '';
      for (;;) {
        const page = await f.rpc.listProducts({ categoryId: c.id, sort: 'price_asc', cursor, limit: 2 });
        ids.push(...page.products.map((p) => p.id));
        if (page.isEnd) break;
        cursor = page.nextCursor;
      }
      expect(ids).toEqual([...made.slice(1), made[0]!].map((p) => p.id));
    } finally {
      down.disconnect();
    }
  });
});
