// The category list cache serves exactly the SQL's pages: over the demo catalog, every list (each
// category, each parent, all) in every order, walked to the end by pages of 1, 7, 20 and 50, gives
// the same ids, cursors and is_end from a cached instance as from one with the cache off. Run on
// SQLite with the lists in process, and on SQLite and MariaDB with the lists in Redis (required
// in CI); with the default size (most lists complete, `all` not) and a small one (every list
// walked past its cached prefix, where SQL takes over from the cache's cursors).
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '#kit/clock';
import { createIdGenerator } from '#kit/ids';
import { seedDemoCatalog } from './demo/seed.js';
import { openProductFixture, type ProductFixture } from './testing/fixture.js';
import { LIST_ORDERS as ORDERS, listSetups, type ListOrder } from './testing/list-setups.js';

const PAGE_SIZES = [1, 7, 20, 50];

interface Page {
  ids: number[];
  nextCursor: string;
  isEnd: boolean;
}

async function walk(f: ProductFixture, categoryId: number, sort: ListOrder, limit: number): Promise<Page[]> {
  const pages: Page[] = [];
  let cursor = '';
  for (;;) {
    const page = await f.rpc.listProducts({ categoryId, sort, cursor, limit });
    pages.push({ ids: page.products.map((p) => p.id), nextCursor: page.nextCursor, isEnd: page.isEnd });
    if (page.isEnd || pages.length > 2000) return pages;
    cursor = page.nextCursor;
  }
}

const { setups, listsIn } = await listSetups();

for (const setup of setups) {
  describe.skipIf(!setup.available)(`category list cache on ${setup.name}`, () => {
    let seeded: ProductFixture;
    let lists: { id: number; name: string }[];
    let uncached: ProductFixture;

    beforeAll(async () => {
      seeded = await openProductFixture(setup.kind);
      await seedDemoCatalog({ db: seeded.raw, ids: createIdGenerator({ workerId: 3, clock: systemClock }), clock: new ManualClock(1_800_000_000_000) });
      uncached = await seeded.restart({ listCacheSize: 0 });
      const tree = (await uncached.rpc.listCategories({})).categories;
      lists = [{ id: 0, name: 'all' }, ...tree.flatMap((top) => [{ id: top.id, name: top.name }, ...top.children.map((c) => ({ id: c.id, name: c.name }))])];
      expect(lists).toHaveLength(13);
    }, 60_000);

    for (const size of [500, 40]) {
      it(`serves the SQL's pages exactly, holding ${size} ids per list`, async () => {
        const cached = await seeded.restart({ listCacheSize: size, ...listsIn(setup) });
        let pastPrefix = 0;
        for (const sort of ORDERS) {
          for (const limit of PAGE_SIZES) {
            await Promise.all(
              lists.map(async (list) => {
                const want = await walk(uncached, list.id, sort, limit);
                const got = await walk(cached, list.id, sort, limit);
                expect(got, `${list.name} ${sort} by ${limit}`).toEqual(want);
                const served = want.reduce((n, p) => n + p.ids.length, 0);
                if (served > size) pastPrefix++;
              }),
            );
          }
        }
        // The small size walks every list past its prefix; the default only `all` (about 970 on sale).
        expect(pastPrefix).toBe(size === 40 ? lists.length * ORDERS.length * PAGE_SIZES.length : ORDERS.length * PAGE_SIZES.length);
        // Every list is cached now: its first pages again cost no query (the rows are in the row cache too).
        const before = cached.queries();
        for (const sort of ORDERS) for (const list of lists) await cached.rpc.listProducts({ categoryId: list.id, sort, cursor: '', limit: 20 });
        expect(cached.queries() - before).toBe(0);
        // Past a prefix that is not the whole list, the database answers.
        const all = await walk(cached, 0, 'sales', 50);
        expect(cached.queries() - before).toBeGreaterThan(0);
        expect(all.at(-1)!.isEnd).toBe(true);
      }, 300_000);
    }
  });
}
