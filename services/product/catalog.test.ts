// The catalog on SQLite and MariaDB: the category tree, products created and edited (the cached
// row follows every write), GetProducts behind the id filter (an id never created costs no
// query), the home blocks refreshed ahead of readers, favorites, and recommendations.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Code } from '#kit/errors';
import { testDatabases } from '#kit/testing';
import { openProductFixture } from './testing/fixture.js';

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`product catalog on ${kind.name}`, () => {
    afterAll(() => kind.cleanup());

    it('keeps a two-level tree, parents and children each by sort then id', async () => {
      const f = await openProductFixture(kind);
      const b = await f.rpc.createCategory({ name: '家电', parentId: 0, sort: 2 });
      const a = await f.rpc.createCategory({ name: '数码', parentId: 0, sort: 1 });
      const phones = await f.rpc.createCategory({ name: '手机', parentId: a.id, sort: 5 });
      const audio = await f.rpc.createCategory({ name: '耳机', parentId: a.id, sort: 0 });
      const tree = (await f.rpc.listCategories({})).categories;
      expect(tree.map((c) => c.name)).toEqual(['数码', '家电']);
      expect(tree[0]!.children.map((c) => [c.id, c.parentId])).toEqual([[audio.id, a.id], [phones.id, a.id]]);
      expect(tree[1]!.children).toEqual([]);
      expect(b.parentId).toBe(0);
      await expect(f.rpc.createCategory({ name: '三级', parentId: phones.id, sort: 0 })).rejects.toMatchObject({ code: Code.InvalidArgument, details: { field: 'parent_id' } });
    });

    it('creates, reads and edits products; the cached row and the search index follow every write', async () => {
      const f = await openProductFixture(kind);
      const c = await f.category('键盘');
      const d = await f.category('鼠标');
      const made = await f.rpc.createProduct({ name: ' 机械键盘 K8 ', categoryId: c.id, priceCents: 39_900, stock: 10, subtitle: '热插拔', detail: '第一行\r\n第二行', imageUrls: ['https://img.example/k8.png', '/api/v1/mall/demo-images/3.svg'] });
      expect(made).toMatchObject({ name: '机械键盘 K8', categoryId: c.id, priceCents: 39_900, stock: 10, sales: 0, status: 'on_sale', detail: '第一行\n第二行', createdAt: f.clock.now() });
      expect(made.imageUrls).toEqual(['https://img.example/k8.png', '/api/v1/mall/demo-images/3.svg']);
      expect((await f.rpc.getProducts({ ids: [made.id] })).products).toEqual([made]); // now cached
      const edited = await f.rpc.updateProduct({ id: made.id, priceCents: 29_900, name: '静音键盘', categoryId: d.id, detail: '新' });
      expect(edited).toMatchObject({ name: '静音键盘', priceCents: 29_900, categoryId: d.id, detail: '新', stock: 10 });
      expect((await f.rpc.getProducts({ ids: [made.id] })).products).toEqual([edited]);
      expect((await f.rpc.search({ q: '机械', cursor: '', limit: 0 })).products).toEqual([]);
      expect((await f.rpc.search({ q: '静音', cursor: '', limit: 0 })).products.map((p) => p.id)).toEqual([made.id]);
      // Nothing given: the product as it is.
      expect(await f.rpc.updateProduct({ id: made.id })).toEqual(edited);
      // Off the shelf: still returned by GetProducts (a cart shows it so), never listed.
      await f.rpc.updateProduct({ id: made.id, status: 'off_shelf' });
      expect((await f.rpc.getProducts({ ids: [made.id] })).products[0]!.status).toBe('off_shelf');
      expect((await f.rpc.listProducts({ categoryId: 0, sort: '', cursor: '', limit: 0 })).products).toEqual([]);
      await expect(f.rpc.updateProduct({ id: made.id + 1, stock: 1 })).rejects.toMatchObject({ code: Code.NotFound });
    });

    it('answers ids in the order asked, missing ones left out; an id never created reaches no database, before or after a restart', async () => {
      const f = await openProductFixture(kind);
      const c = await f.category('书');
      const one = await f.product({ categoryId: c.id, name: '一' });
      const two = await f.product({ categoryId: c.id, name: '二' });
      expect((await f.rpc.getProducts({ ids: [two.id, 12345, one.id] })).products.map((p) => p.id)).toEqual([two.id, one.id]);
      // Asked one at a time, as a flood of made-up ids comes: each would cost a query without the filter.
      const never = Array.from({ length: 100 }, (_, i) => two.id + 1000 + i);
      const before = f.queries();
      for (const id of never) expect((await f.rpc.getProducts({ ids: [id] })).products).toEqual([]);
      // A 1% false-positive rate lets a rare one through.
      expect(f.queries() - before).toBeLessThanOrEqual(4);
      // After a restart the filter is filled from the database: stored ids pass, made-up ones still stop.
      const again = await f.restart();
      const start = again.queries();
      expect((await again.rpc.getProducts({ ids: [one.id] })).products.map((p) => p.id)).toEqual([one.id]);
      expect(again.queries() - start).toBe(1);
      for (const id of never) await again.rpc.getProducts({ ids: [id] });
      expect(again.queries() - start).toBeLessThanOrEqual(5);
    });

    it('home: banners, featured and best sellers refreshed in the background once old, one refresh at a time, readers never waiting', async () => {
      const f = await openProductFixture(kind, { homeRefreshMs: 10_000, rankingSize: 2 });
      const c = await f.category('热卖');
      const a = await f.product({ categoryId: c.id, name: 'A' });
      const b = await f.product({ categoryId: c.id, name: 'B' });
      const x = await f.product({ categoryId: c.id, name: 'X' });
      await f.raw.db.insertInto('banners').values({ id: 1, title: '大促', image_url: '/b.svg', link: '/mall', sort: 0 }).execute();
      await f.raw.db.insertInto('featured').values([{ product_id: b.id, sort: 0 }, { product_id: a.id, sort: 1 }]).execute();
      await f.rpc.reserveStock({ gid: 'g', branch: 's', userId: 1, items: [{ productId: a.id, quantity: 3 }, { productId: x.id, quantity: 1 }] });
      const home = await f.rpc.home({});
      expect(home.banners).toEqual([{ id: 1, title: '大促', imageUrl: '/b.svg', link: '/mall' }]);
      expect(home.featured.map((p) => p.name)).toEqual(['B', 'A']);
      expect(home.ranking.map((p) => p.name)).toEqual(['A', 'X']);
      expect(home.ranking[0]!.stock).toBe(97); // rows come from the row cache, current

      // B outsells A; the blocks are young, so the ranking read still shows the old order, at no query cost.
      await f.rpc.reserveStock({ gid: 'g2', branch: 's', userId: 1, items: [{ productId: b.id, quantity: 9 }] });
      await f.rpc.getProducts({ ids: [b.id] }); // its row cached again, so what follows counts the home's own queries
      const start = f.queries();
      const readers = await Promise.all(Array.from({ length: 20 }, () => f.rpc.home({})));
      expect(readers.every((r) => r.ranking.map((p) => p.name).join() === 'A,X')).toBe(true);
      expect(f.queries() - start).toBe(0);
      // Old now: 20 concurrent readers get the old blocks at once and start one refresh (3 queries) between them.
      f.clock.advance(10_000);
      const atExpiry = f.queries();
      const stale = await Promise.all(Array.from({ length: 20 }, () => f.rpc.home({})));
      expect(stale.every((r) => r.ranking.map((p) => p.name).join() === 'A,X')).toBe(true);
      await vi.waitFor(async () => expect((await f.rpc.home({})).ranking.map((p) => p.name)).toEqual(['B', 'A']));
      expect(f.queries() - atExpiry).toBe(3);

      // A product write refreshes at once: off the shelf, it leaves featured and ranking.
      await f.rpc.updateProduct({ id: b.id, status: 'off_shelf' });
      await vi.waitFor(async () => {
        const now = await f.rpc.home({});
        expect(now.featured.map((p) => p.name)).toEqual(['A']);
        expect(now.ranking.map((p) => p.name)).toEqual(['A', 'X']);
      });
    });

    it('favorites: idempotent both ways, newest first by cursor, and each raises the taste for its category', async () => {
      const f = await openProductFixture(kind);
      const c = await f.category('零食');
      const made = [];
      for (let i = 0; i < 5; i++) made.push(await f.product({ categoryId: c.id, name: `零食 ${i}` }));
      for (const p of made) {
        await f.rpc.setFavorite({ userId: 9, productId: p.id, favorite: true });
        await f.rpc.setFavorite({ userId: 9, productId: p.id, favorite: true });
        f.clock.advance(1000);
      }
      await f.rpc.setFavorite({ userId: 9, productId: made[1]!.id, favorite: false });
      await f.rpc.setFavorite({ userId: 9, productId: made[1]!.id, favorite: false });
      const weight = async () => Number((await f.raw.db.selectFrom('user_categories').select('weight').where('user_id', '=', 9).executeTakeFirst())?.weight);
      expect(await weight()).toBe(4);
      const listed: number[] = [];
      let cursor = '';
      for (;;) {
        const page = await f.rpc.listFavorites({ userId: 9, cursor, limit: 2 });
        listed.push(...page.products.map((p) => p.id));
        if (page.isEnd) break;
        cursor = page.nextCursor;
      }
      expect(listed).toEqual([made[4]!.id, made[3]!.id, made[2]!.id, made[0]!.id]);
      expect((await f.rpc.listFavorites({ userId: 10, cursor: '', limit: 0 })).products).toEqual([]);
      await expect(f.rpc.setFavorite({ userId: 9, productId: made[4]!.id + 999, favorite: true })).rejects.toMatchObject({ code: Code.NotFound });
      await f.rpc.setFavorite({ userId: 9, productId: made[4]!.id + 999, favorite: false }); // removing nothing is done
    });

    it('recommends the user\'s categories by weight, best sellers first within each; best sellers overall without tastes', async () => {
      const f = await openProductFixture(kind);
      const toys = await f.category('玩具');
      const books = await f.category('图书');
      const food = await f.category('食品');
      const t = [await f.product({ categoryId: toys.id, name: '积木' }), await f.product({ categoryId: toys.id, name: '拼图' })];
      const b = [await f.product({ categoryId: books.id, name: '小说' }), await f.product({ categoryId: books.id, name: '漫画' })];
      const x = await f.product({ categoryId: food.id, name: '饼干' });
      // Sales: 拼图 2, 漫画 1, 饼干 5. User 1 bought a book (weight 3) and collected a toy (weight 1).
      await f.rpc.reserveStock({ gid: 'sales', branch: 's', userId: 2, items: [{ productId: t[1]!.id, quantity: 2 }, { productId: b[1]!.id, quantity: 1 }, { productId: x.id, quantity: 5 }] });
      await f.rpc.reserveStock({ gid: 'buy', branch: 's', userId: 1, items: [{ productId: b[0]!.id, quantity: 1 }] });
      await f.rpc.setFavorite({ userId: 1, productId: t[0]!.id, favorite: true });
      const walk = async (userId: number) => {
        const names: string[] = [];
        let cursor = '';
        for (;;) {
          const page = await f.rpc.recommend({ userId, cursor, limit: 1 });
          names.push(...page.products.map((p) => p.name));
          if (page.isEnd) return names;
          cursor = page.nextCursor;
        }
      };
      // Books (3): 漫画 1 sale and 小说 1 sale tie, newer id first; then toys (1): 拼图 2, 积木 0.
      expect(await walk(1)).toEqual(['漫画', '小说', '拼图', '积木']);
      expect(await walk(0)).toEqual(['饼干', '拼图', '漫画', '小说', '积木']);
      expect(await walk(3)).toEqual(await walk(0));
      // A release undoes the purchase's taste: only the collected toys remain.
      await f.rpc.releaseStock({ gid: 'buy', branch: 's', userId: 1, items: [{ productId: b[0]!.id, quantity: 1 }] });
      expect(await walk(1)).toEqual(['拼图', '积木']);
    });
  });
}
