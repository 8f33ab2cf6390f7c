// Lists by category on SQLite and MariaDB: a parent's list includes its children's products,
// four orders each paged by an opaque cursor that serves every on-sale product once, is_end
// exact, and a cursor that is not one refused naming `cursor`.
import { afterAll, describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { testDatabases } from '#kit/testing';
import type { Product } from '#gen/surge/product/v1/product';
import { openProductFixture, type ProductFixture } from './testing/fixture.js';

type Order = 'newest' | 'price_asc' | 'price_desc' | 'sales';

async function walk(f: ProductFixture, categoryId: number, sort: Order, limit: number): Promise<Product[]> {
  const all: Product[] = [];
  let cursor = '';
  for (;;) {
    const page = await f.rpc.listProducts({ categoryId, sort, cursor, limit });
    all.push(...page.products);
    if (page.isEnd) return all;
    expect(page.products).toHaveLength(limit);
    cursor = page.nextCursor;
  }
}

const invalid = (field: string) => expect.objectContaining({ code: Code.InvalidArgument, details: expect.objectContaining({ field }) });

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`product lists on ${kind.name}`, () => {
    afterAll(() => kind.cleanup());

    it('a parent lists its own and its children\'s on-sale products; every order pages through each exactly once', async () => {
      const f = await openProductFixture(kind);
      const phones = await f.category('手机数码');
      const handsets = await f.category('手机', phones.id);
      const audio = await f.category('耳机', phones.id);
      const other = await f.category('服饰');
      const made: Product[] = [];
      // Prices and sales with ties, so the id must break them; created_at moves with the clock.
      for (let i = 0; i < 14; i++) {
        const categoryId = [phones.id, handsets.id, audio.id][i % 3]!;
        made.push(await f.product({ categoryId, name: `商品 ${i}`, priceCents: 100 * (1 + (i % 4)) }));
        f.clock.advance(i % 2 === 0 ? 0 : 1000);
      }
      await f.product({ categoryId: other.id, name: 'T恤' });
      const shelved = await f.rpc.updateProduct({ id: made[13]!.id, status: 'off_shelf' });
      for (let i = 0; i < 6; i++) await f.rpc.reserveStock({ gid: `g${i}`, branch: 's', userId: 1, items: [{ productId: made[i]!.id, quantity: 1 + (i % 2) }] });
      const current = new Map((await f.rpc.getProducts({ ids: made.map((p) => p.id) })).products.map((p) => [p.id, p]));
      const onSale = [...current.values()].filter((p) => p.id !== shelved.id);

      const expected: Record<Order, (a: Product, b: Product) => number> = {
        newest: (a, b) => b.createdAt - a.createdAt || b.id - a.id,
        price_asc: (a, b) => a.priceCents - b.priceCents || a.id - b.id,
        price_desc: (a, b) => b.priceCents - a.priceCents || b.id - a.id,
        sales: (a, b) => b.sales - a.sales || b.id - a.id,
      };
      for (const sort of Object.keys(expected) as Order[]) {
        for (const limit of [1, 4, 13, 50]) {
          const listed = await walk(f, phones.id, sort, limit);
          expect(listed.map((p) => p.id), `${sort} by ${limit}`).toEqual([...onSale].sort(expected[sort]).map((p) => p.id));
        }
      }
      // A child lists only its own; 0 lists every category.
      expect((await walk(f, audio.id, 'newest', 50)).map((p) => p.categoryId)).toEqual(Array(onSale.filter((p) => p.categoryId === audio.id).length).fill(audio.id));
      expect(await walk(f, 0, 'newest', 50)).toHaveLength(onSale.length + 1);
      // The default order is newest, and an exactly full page is the end.
      const first = await f.rpc.listProducts({ categoryId: phones.id, sort: '', cursor: '', limit: onSale.length });
      expect(first.isEnd).toBe(true);
      expect(first.products.map((p) => p.id)).toEqual([...onSale].sort(expected.newest).map((p) => p.id));
    });

    it('refuses a cursor it did not give, or one of another order, naming cursor; an unknown category is NotFound', async () => {
      const f = await openProductFixture(kind);
      const c = await f.category('书');
      for (let i = 0; i < 3; i++) await f.product({ categoryId: c.id, name: `书 ${i}` });
      const page = await f.rpc.listProducts({ categoryId: c.id, sort: 'price_asc', cursor: '', limit: 1 });
      expect(page.nextCursor).not.toBe('');
      const b64 = (s: string) => Buffer.from(s).toString('base64url');
      for (const cursor of ['x', '!!!', b64('price_asc.1'), b64('price_asc.-1.5'), b64('price_asc.1.0'), b64('price_asc.1.2.3'), b64('price_asc.1e3.5'), b64('sales.1.5'), b64('price_asc.99999999999999999.5'), 'A'.repeat(200)]) {
        await expect(f.rpc.listProducts({ categoryId: c.id, sort: 'price_asc', cursor, limit: 1 }), cursor).rejects.toEqual(invalid('cursor'));
      }
      await expect(f.rpc.listProducts({ categoryId: c.id, sort: 'newest', cursor: page.nextCursor, limit: 1 })).rejects.toEqual(invalid('cursor'));
      await expect(f.rpc.listProducts({ categoryId: 999, sort: '', cursor: '', limit: 0 })).rejects.toMatchObject({ code: Code.NotFound });
    });
  });
}
