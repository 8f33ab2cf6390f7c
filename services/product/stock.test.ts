// The stock branches of the order saga on SQLite and real MariaDB: a reservation takes every
// item or none, concurrent reservations of the last units never sell more than the stock, and
// the barrier makes repeats, a release of a reservation that never ran, and a reservation
// arriving after its release change nothing.
import { afterAll, describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { testDatabases } from '#kit/testing';
import type { StockRequest } from '#gen/surge/product/v1/product';
import { openProductFixture, type ProductFixture } from './testing/fixture.js';

const stockOf = async (f: ProductFixture, id: number) => {
  const row = await f.raw.db.selectFrom('products').select(['stock', 'sales']).where('id', '=', id).executeTakeFirstOrThrow();
  return { stock: Number(row.stock), sales: Number(row.sales) };
};

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`product stock branches on ${kind.name}`, () => {
    afterAll(() => kind.cleanup());

    it('reserves every item and answers the products in item order with their prices and names now', async () => {
      const f = await openProductFixture(kind);
      const c = await f.category('手机');
      const a = await f.product({ categoryId: c.id, name: '华为 Mate 60 手机', priceCents: 699_900, stock: 5 });
      const b = await f.product({ categoryId: c.id, name: '手机壳', priceCents: 4_990, stock: 50 });
      const cached = await f.rpc.getProducts({ ids: [a.id, b.id] }); // cached, so the test sees the invalidation
      expect(cached.products.map((p) => p.stock)).toEqual([5, 50]);
      const reply = await f.rpc.reserveStock({ gid: 'order-1', branch: 'stock', userId: 3, items: [{ productId: b.id, quantity: 2 }, { productId: a.id, quantity: 1 }] });
      expect(reply.products.map((p) => [p.id, p.name, p.priceCents])).toEqual([[b.id, '手机壳', 4_990], [a.id, '华为 Mate 60 手机', 699_900]]);
      expect(await stockOf(f, a.id)).toEqual({ stock: 4, sales: 1 });
      expect(await stockOf(f, b.id)).toEqual({ stock: 48, sales: 2 });
      expect((await f.rpc.getProducts({ ids: [a.id, b.id] })).products.map((p) => [p.stock, p.sales])).toEqual([[4, 1], [48, 2]]);
    });

    it('takes nothing when one item cannot be had, naming the product and why', async () => {
      const f = await openProductFixture(kind);
      const c = await f.category('键盘');
      const plenty = await f.product({ categoryId: c.id, name: '机械键盘', stock: 10 });
      const few = await f.product({ categoryId: c.id, name: '静音键盘', stock: 1 });
      const shelved = await f.product({ categoryId: c.id, name: '旧键盘', stock: 10 });
      await f.rpc.updateProduct({ id: shelved.id, status: 'off_shelf' });
      const reserve = (gid: string, productId: number, quantity: number) =>
        f.rpc.reserveStock({ gid, branch: 'stock', userId: 1, items: [{ productId: plenty.id, quantity: 3 }, { productId, quantity }] });
      for (const [gid, productId, quantity, reason] of [['short', few.id, 2, 'out_of_stock'], ['shelf', shelved.id, 1, 'off_shelf'], ['gone', few.id + 77, 1, 'not_found']] as const) {
        const refusal = reserve(gid, productId, quantity);
        await expect(refusal).rejects.toMatchObject({ code: Code.FailedPrecondition, details: { field: 'items', product_id: productId, reason } });
        await expect(refusal).rejects.toThrow(String(productId));
      }
      expect(await stockOf(f, plenty.id)).toEqual({ stock: 10, sales: 0 });
      expect(await stockOf(f, few.id)).toEqual({ stock: 1, sales: 0 });
      // The failed branch left no barrier row: the same branch runs once the stock is there.
      await f.rpc.updateProduct({ id: few.id, stock: 2 });
      await reserve('short', few.id, 2);
      expect(await stockOf(f, few.id)).toEqual({ stock: 0, sales: 2 });
      expect(await stockOf(f, plenty.id)).toEqual({ stock: 7, sales: 3 });
    });

    it('never sells more than the stock under many concurrent reservations of the last units', async () => {
      const f = await openProductFixture(kind);
      const c = await f.category('秒杀');
      const last = await f.product({ categoryId: c.id, name: '限量款', stock: 7 });
      const other = await f.product({ categoryId: c.id, name: '配件', stock: 1000 });
      const attempts = Array.from({ length: 40 }, (_, i) =>
        f.rpc.reserveStock({ gid: `rush-${i}`, branch: 'stock', userId: 100 + i, items: [{ productId: other.id, quantity: 1 }, { productId: last.id, quantity: 1 + (i % 2) }] }),
      );
      const outcomes = await Promise.allSettled(attempts);
      const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [1 + (i % 2)] : []));
      for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: Code.FailedPrecondition, details: { product_id: last.id } });
      const sold = won.reduce((n, q) => n + q, 0);
      const { stock, sales } = await stockOf(f, last.id);
      expect(sold).toBeLessThanOrEqual(7);
      expect(sold).toBeGreaterThanOrEqual(6); // units stay only when every later try wanted 2 of the last 1
      expect(stock).toBe(7 - sold);
      expect(sales).toBe(sold);
      // Refused reservations took nothing of the other item either.
      expect(await stockOf(f, other.id)).toEqual({ stock: 1000 - won.length, sales: won.length });
    });

    it("one buyer's concurrent reservations in one category all commit (no deadlock on the taste row) and their tastes add up; releases take them back", async () => {
      const f = await openProductFixture(kind);
      const c = await f.category('零食');
      const other = await f.category('饮料');
      const snacks: Awaited<ReturnType<typeof f.product>>[] = [];
      for (let i = 0; i < 4; i++) snacks.push(await f.product({ categoryId: c.id, name: `薯片 ${i}`, stock: 100 }));
      const drink = await f.product({ categoryId: other.id, name: '可乐', stock: 100 });
      const weights = async () =>
        (await f.raw.db.selectFrom('user_categories').select(['category_id', 'weight']).where('user_id', '=', 42).orderBy('category_id').execute()).map((r) => [Number(r.category_id), Number(r.weight)]);
      const req = (i: number): StockRequest => ({ gid: `taste-${i}`, branch: 'stock', userId: 42, items: [{ productId: snacks[i % 4]!.id, quantity: 1 }, ...(i % 2 ? [{ productId: drink.id, quantity: 1 }] : [])] });
      // Twelve at once on rows that do not exist yet, then twelve more on rows that do.
      for (const round of [0, 1]) {
        const outcomes = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => f.rpc.reserveStock(req(round * 12 + i))));
        expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
      }
      expect(await weights()).toEqual([[c.id, 24 * 3], [other.id, 12 * 3]]);
      await Promise.all(Array.from({ length: 24 }, (_, i) => f.rpc.releaseStock(req(i))));
      expect(await weights()).toEqual([[c.id, 0], [other.id, 0]]);
      expect(await stockOf(f, drink.id)).toEqual({ stock: 100, sales: 0 });
    });

    it('a repeat changes nothing; a release gives back once; a release before its reservation blocks that reservation', async () => {
      const f = await openProductFixture(kind);
      const c = await f.category('耳机');
      const p = await f.product({ categoryId: c.id, name: '蓝牙耳机', stock: 10 });
      const req = (gid: string): StockRequest => ({ gid, branch: 'stock', userId: 5, items: [{ productId: p.id, quantity: 3 }] });

      await f.rpc.reserveStock(req('a'));
      const repeat = await f.rpc.reserveStock(req('a'));
      expect(repeat.products.map((x) => x.id)).toEqual([p.id]);
      expect(await stockOf(f, p.id)).toEqual({ stock: 7, sales: 3 });
      await f.rpc.releaseStock(req('a'));
      await f.rpc.releaseStock(req('a'));
      expect(await stockOf(f, p.id)).toEqual({ stock: 10, sales: 0 });
      // After its release: nothing changes, and the caller is told nothing is reserved.
      const released = { code: Code.FailedPrecondition, details: { field: 'gid', reason: 'released' } };
      await expect(f.rpc.reserveStock(req('a'))).rejects.toMatchObject(released);
      expect(await stockOf(f, p.id)).toEqual({ stock: 10, sales: 0 });

      // Out of order: the release arrives first (the reservation timed out on its way).
      await f.rpc.releaseStock(req('b'));
      expect(await stockOf(f, p.id)).toEqual({ stock: 10, sales: 0 });
      await expect(f.rpc.reserveStock(req('b'))).rejects.toMatchObject(released);
      expect(await stockOf(f, p.id)).toEqual({ stock: 10, sales: 0 });

      // Concurrent duplicates of one branch, and a release racing a reservation: one outcome each.
      await Promise.all(Array.from({ length: 10 }, () => f.rpc.reserveStock(req('c'))));
      expect(await stockOf(f, p.id)).toEqual({ stock: 7, sales: 3 });
      const race = await Promise.allSettled([f.rpc.reserveStock(req('d')), f.rpc.releaseStock(req('d')), f.rpc.releaseStock(req('d'))]);
      expect(race.slice(1).every((o) => o.status === 'fulfilled')).toBe(true);
      if (race[0].status === 'rejected') expect(race[0].reason).toMatchObject(released);
      expect(await stockOf(f, p.id)).toEqual({ stock: 7, sales: 3 });
      expect((await f.rpc.getProducts({ ids: [p.id] })).products[0]!.stock).toBe(7);
    });
  });
}
