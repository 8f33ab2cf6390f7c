// A flash sale's bulk moves of stock (TakeStock, GiveStock) on SQLite and real MariaDB: a take
// takes all its units or none, concurrent takes never take more than the stock, the barrier makes
// every repeat change nothing, and sales never move. Proved by reading the product's row after
// each step.
import { afterAll, describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { rejectionOf, testDatabases } from '#kit/testing';
import type { BulkStockRequest } from '#gen/surge/product/v1/product';
import { openProductFixture, type ProductFixture } from './testing/fixture.js';

const stockOf = async (f: ProductFixture, id: number) => {
  const row = await f.raw.db.selectFrom('products').select(['stock', 'sales']).where('id', '=', id).executeTakeFirstOrThrow();
  return { stock: Number(row.stock), sales: Number(row.sales) };
};

const barrierRows = async (f: ProductFixture, gid: string) =>
  (await f.raw.db.selectFrom('surge_saga_barrier').select(['branch', 'op']).where('gid', '=', gid).execute()).map((r) => `${r.branch}/${r.op}`).sort();

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`product bulk stock moves on ${kind.name}`, () => {
    afterAll(() => kind.cleanup());

    it('a take moves the stock and not the sales, answers the product and drops its cached row; a repeat changes nothing', async () => {
      const f = await openProductFixture(kind);
      const c = await f.category('秒杀');
      const p = await f.product({ categoryId: c.id, name: '限量手机', stock: 100 });
      expect((await f.rpc.getProducts({ ids: [p.id] })).products[0]!.stock).toBe(100); // cached now
      const take: BulkStockRequest = { gid: 'sale-1', branch: 'take', productId: p.id, quantity: 30 };

      const taken = await f.rpc.takeStock(take);
      expect([taken.id, taken.stock, taken.sales]).toEqual([p.id, 70, 0]);
      expect(await stockOf(f, p.id)).toEqual({ stock: 70, sales: 0 });
      expect((await f.rpc.getProducts({ ids: [p.id] })).products[0]!.stock).toBe(70);

      // Repeats, one after another and ten at once: the product as it is, nothing taken again.
      await f.rpc.updateProduct({ id: p.id, stock: 60 });
      expect((await f.rpc.takeStock(take)).stock).toBe(60);
      await Promise.all(Array.from({ length: 10 }, () => f.rpc.takeStock(take)));
      expect(await stockOf(f, p.id)).toEqual({ stock: 60, sales: 0 });
    });

    it('a give adds to the stock whatever the status, once per branch; the sales stay', async () => {
      const f = await openProductFixture(kind);
      const c = await f.category('耳机');
      const p = await f.product({ categoryId: c.id, name: '降噪耳机', stock: 10 });
      await f.rpc.reserveStock({ gid: 'order-1', branch: 'stock', userId: 1, items: [{ productId: p.id, quantity: 2 }] });
      await f.rpc.takeStock({ gid: 'sale-2', branch: 'take', productId: p.id, quantity: 8 });
      expect(await stockOf(f, p.id)).toEqual({ stock: 0, sales: 2 });
      await f.rpc.updateProduct({ id: p.id, status: 'off_shelf' });
      await f.rpc.getProducts({ ids: [p.id] }); // cached while off the shelf

      const give: BulkStockRequest = { gid: 'sale-2', branch: 'give', productId: p.id, quantity: 5 };
      const given = await f.rpc.giveStock(give);
      expect([given.stock, given.sales, given.status]).toEqual([5, 2, 'off_shelf']);
      await f.rpc.giveStock(give);
      await Promise.all(Array.from({ length: 5 }, () => f.rpc.giveStock(give)));
      expect(await stockOf(f, p.id)).toEqual({ stock: 5, sales: 2 });
      expect((await f.rpc.getProducts({ ids: [p.id] })).products[0]!.stock).toBe(5);
      // A unit released after the sale ended: another branch of the same sale.
      await f.rpc.giveStock({ gid: 'sale-2', branch: 'give-ticket-9', productId: p.id, quantity: 1 });
      expect(await stockOf(f, p.id)).toEqual({ stock: 6, sales: 2 });
      expect(await barrierRows(f, 'sale-2')).toEqual(['give-ticket-9/action', 'give/action', 'take/action'].sort());
    });

    it('a refused take takes nothing, names the field and leaves no barrier row (the same branch runs once the stock is there)', async () => {
      const f = await openProductFixture(kind);
      const c = await f.category('键盘');
      const few = await f.product({ categoryId: c.id, name: '静音键盘', stock: 4 });
      const shelved = await f.product({ categoryId: c.id, name: '旧键盘', stock: 50 });
      await f.rpc.updateProduct({ id: shelved.id, status: 'off_shelf' });

      const short = await rejectionOf(f.rpc.takeStock({ gid: 'sale-3', branch: 'take', productId: few.id, quantity: 5 }), Code.FailedPrecondition);
      expect(short.details).toMatchObject({ field: 'quantity', product_id: few.id, reason: 'out_of_stock', left: 4 });
      expect(short.message).toContain('has 4 left');
      const off = await rejectionOf(f.rpc.takeStock({ gid: 'sale-4', branch: 'take', productId: shelved.id, quantity: 1 }), Code.FailedPrecondition);
      expect(off.details).toMatchObject({ field: 'product_id', reason: 'off_shelf' });
      const none = await rejectionOf(f.rpc.takeStock({ gid: 'sale-5', branch: 'take', productId: few.id + 999, quantity: 1 }), Code.NotFound);
      expect(none.details).toMatchObject({ field: 'product_id', reason: 'not_found' });
      expect((await rejectionOf(f.rpc.giveStock({ gid: 'sale-5', branch: 'give', productId: few.id + 999, quantity: 1 }), Code.NotFound)).details).toMatchObject({ field: 'product_id' });

      expect(await stockOf(f, few.id)).toEqual({ stock: 4, sales: 0 });
      expect(await stockOf(f, shelved.id)).toEqual({ stock: 50, sales: 0 });
      for (const gid of ['sale-3', 'sale-4', 'sale-5']) expect(await barrierRows(f, gid)).toEqual([]);

      await f.rpc.updateProduct({ id: few.id, stock: 5 });
      expect((await f.rpc.takeStock({ gid: 'sale-3', branch: 'take', productId: few.id, quantity: 5 })).stock).toBe(0);
      expect(await barrierRows(f, 'sale-3')).toEqual(['take/action']);
    });

    it('concurrent takes never take more than the stock: what was answered taken is exactly what left', async () => {
      const f = await openProductFixture(kind);
      const c = await f.category('抢购');
      const p = await f.product({ categoryId: c.id, name: '限量款', stock: 50 });
      // 30 sales asking 1..5 units each: 90 units wanted of 50.
      const sizes = Array.from({ length: 30 }, (_, i) => 1 + (i % 5));
      const outcomes = await Promise.allSettled(sizes.map((quantity, i) => f.rpc.takeStock({ gid: `rush-${i}`, branch: 'take', productId: p.id, quantity })));
      let taken = 0;
      outcomes.forEach((o, i) => {
        if (o.status === 'fulfilled') taken += sizes[i]!;
        else expect(o.reason).toMatchObject({ code: Code.FailedPrecondition, details: { field: 'quantity', reason: 'out_of_stock' } });
      });
      const { stock, sales } = await stockOf(f, p.id);
      expect(taken).toBeLessThanOrEqual(50);
      expect(taken).toBeGreaterThan(45); // a refusal leaves units only when it wanted more than were left
      expect(stock).toBe(50 - taken);
      expect(sales).toBe(0);
      // Each refused take left its branch free; each accepted one holds exactly one row.
      const rows = await f.raw.db.selectFrom('surge_saga_barrier').select('gid').where('gid', 'like', 'rush-%').execute();
      expect(rows).toHaveLength(outcomes.filter((o) => o.status === 'fulfilled').length);
    });
  });
}
