// Search over the term index, on SQLite and MariaDB: Chinese by bigrams, Latin by case-folded
// words, every query term required, ranked by score (name over subtitle), then sales, then id,
// and cursor pages that together serve every match exactly once.
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabases } from '#kit/testing';
import { openProductFixture, type ProductFixture } from './testing/fixture.js';

/** Every page of a search, following next_cursor to the end. */
async function allPages(f: ProductFixture, q: string, limit: number): Promise<{ names: string[]; ids: number[]; pages: number }> {
  const names: string[] = [];
  const ids: number[] = [];
  let cursor = '';
  for (let pages = 1; ; pages++) {
    const page = await f.rpc.search({ q, cursor, limit });
    expect(page.products.length).toBeLessThanOrEqual(limit);
    for (const p of page.products) {
      names.push(p.name);
      ids.push(p.id);
    }
    if (page.isEnd) {
      expect(page.nextCursor).toBe('');
      return { names, ids, pages };
    }
    expect(page.products).toHaveLength(limit);
    cursor = page.nextCursor;
  }
}

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`product search on ${kind.name}`, () => {
    afterAll(() => kind.cleanup());

    it('手机 finds 华为手机 and 手机壳 but not 机械键盘; iphone finds Apple iPhone 15 in any case', async () => {
      const f = await openProductFixture(kind);
      const c = await f.category('数码');
      for (const name of ['华为手机', '手机壳', '机械键盘', 'Apple iPhone 15', 'iPhone 手机壳']) await f.product({ categoryId: c.id, name });
      const names = async (q: string) => (await f.rpc.search({ q, cursor: '', limit: 0 })).products.map((p) => p.name).sort();
      expect(await names('手机')).toEqual(['iPhone 手机壳', '华为手机', '手机壳'].sort());
      expect(await names('iphone')).toEqual(['Apple iPhone 15', 'iPhone 手机壳'].sort());
      expect(await names('IPHONE 15')).toEqual(['Apple iPhone 15']);
      expect(await names('ｉＰｈｏｎｅ１５')).toEqual(['Apple iPhone 15']); // full width, and letters meeting digits
      expect(await names('iphone 手机壳')).toEqual(['iPhone 手机壳']); // every term must match
      expect(await names('键')).toEqual(['机械键盘']); // one character
      expect(await names('机壳')).toEqual(['iPhone 手机壳', '手机壳'].sort());
      expect(await names('手机键盘')).toEqual([]); // 机键 is in no name
      expect(await names('ipho')).toEqual([]); // words, not prefixes
    });

    it('ranks a name hit over a subtitle hit, then by sales, then by id; off-shelf products never match', async () => {
      const f = await openProductFixture(kind);
      const c = await f.category('耳机');
      const inSubtitle = await f.product({ categoryId: c.id, name: '头戴式 Headphones', subtitle: '蓝牙耳机 降噪' });
      const inNameLow = await f.product({ categoryId: c.id, name: '蓝牙耳机 基础款' });
      const inNameHigh = await f.product({ categoryId: c.id, name: '蓝牙耳机 Pro' });
      const inBoth = await f.product({ categoryId: c.id, name: '蓝牙耳机 Max', subtitle: '旗舰蓝牙耳机' });
      const hidden = await f.product({ categoryId: c.id, name: '蓝牙耳机 停产' });
      await f.rpc.updateProduct({ id: hidden.id, status: 'off_shelf' });
      // Sales through reservations, the only way they move.
      await f.rpc.reserveStock({ gid: 'g1', branch: 'stock', userId: 7, items: [{ productId: inNameHigh.id, quantity: 5 }] });
      const ids = (await f.rpc.search({ q: '蓝牙耳机', cursor: '', limit: 0 })).products.map((p) => p.id);
      expect(ids).toEqual([inBoth.id, inNameHigh.id, inNameLow.id, inSubtitle.id]);
      // A renamed product is found by its new name only.
      await f.rpc.updateProduct({ id: inNameLow.id, name: '有线耳机' });
      const after = (await f.rpc.search({ q: '蓝牙耳机', cursor: '', limit: 0 })).products.map((p) => p.id);
      expect(after).toEqual([inBoth.id, inNameHigh.id, inSubtitle.id]);
      expect((await f.rpc.search({ q: '有线', cursor: '', limit: 0 })).products.map((p) => p.id)).toEqual([inNameLow.id]);
    });

    it('pages cover every match exactly once, in rank order, with is_end exact', async () => {
      const f = await openProductFixture(kind);
      const c = await f.category('手机');
      const made: number[] = [];
      // Ties on purpose: equal scores and equal sales, so the id must break them.
      for (let i = 0; i < 23; i++) made.push((await f.product({ categoryId: c.id, name: `手机 型号${i}`, subtitle: i % 3 === 0 ? '手机' : '' })).id);
      await f.product({ categoryId: c.id, name: '平板电脑' });
      for (const limit of [1, 5, 23, 50]) {
        const { ids, pages } = await allPages(f, '手机', limit);
        expect(ids.length).toBe(23);
        expect(new Set(ids)).toEqual(new Set(made));
        expect(pages).toBe(limit >= 23 ? 1 : Math.ceil(23 / limit));
        // Subtitle hits score higher; within a score, newer (larger) ids first as sales are equal.
        const withSubtitle = made.filter((_, i) => i % 3 === 0).sort((a, b) => b - a);
        const without = made.filter((_, i) => i % 3 !== 0).sort((a, b) => b - a);
        expect(ids).toEqual([...withSubtitle, ...without]);
      }
      // Exactly a page's worth: the first page says it is the end, no empty page after it.
      const exact = await f.rpc.search({ q: '手机', cursor: '', limit: 23 });
      expect(exact.isEnd).toBe(true);
    });
  });
}
