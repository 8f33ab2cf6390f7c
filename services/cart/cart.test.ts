// The cart on SQLite and, when reachable (required in CI), MariaDB: setting, changing and
// removing lines, the product service's answer on which products may be set, the cap on distinct
// products, GetCart's lines and total from one product batch, and one user never reaching
// another's cart.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { rejectionOf, testDatabases } from '#kit/testing';
import { cartFixturesOn, setRequest, type CartFixture } from './testing/fixture.js';

/** The user's stored lines, as rows: what a write left, read past the service. */
const rowsOf = async (f: CartFixture, userId: number) =>
  (await f.db.db.selectFrom('cart_items').selectAll().where('user_id', '=', userId).orderBy('product_id').execute()).map((r) => ({
    productId: Number(r.product_id),
    quantity: Number(r.quantity),
    checked: Number(r.checked) !== 0,
    updatedAt: Number(r.updated_at),
  }));

/** The refusal's code and the field it names. */
const refusal = async (call: Promise<unknown>) => {
  const e = await rejectionOf(call);
  return { code: e.code, field: e.details?.field };
};

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`the cart on ${kind.name}`, () => {
    const open = cartFixturesOn(kind);

    describe('SetItem', () => {
      it('puts a new product in the cart, checked, with its quantity and time', async () => {
        const f = await open();
        f.putProduct(10);
        expect(await f.svc.setItem(setRequest(1, 10, 2))).toEqual({ productId: 10, quantity: 2, checked: true, updatedAt: f.clock.now() });
        expect(await rowsOf(f, 1)).toEqual([{ productId: 10, quantity: 2, checked: true, updatedAt: f.clock.now() }]);
      });

      it('sets the quantity (absolute, not added) and keeps checked unless it is given', async () => {
        const f = await open();
        f.putProduct(10);
        await f.svc.setItem(setRequest(1, 10, 2));
        f.clock.advance(1000);
        expect(await f.svc.setItem(setRequest(1, 10, 5))).toEqual({ productId: 10, quantity: 5, checked: true, updatedAt: f.clock.now() });
        expect(await f.svc.setItem(setRequest(1, 10, 5, false))).toMatchObject({ quantity: 5, checked: false });
        // Absent checked keeps false; present true sets it again.
        expect(await f.svc.setItem(setRequest(1, 10, 1))).toMatchObject({ quantity: 1, checked: false });
        expect(await rowsOf(f, 1)).toEqual([{ productId: 10, quantity: 1, checked: false, updatedAt: f.clock.now() }]);
        expect(await f.svc.setItem(setRequest(1, 10, 1, true))).toMatchObject({ checked: true });
        expect(await rowsOf(f, 1)).toMatchObject([{ checked: true }]);
      });

      it('a new line may start unchecked', async () => {
        const f = await open();
        f.putProduct(10);
        expect(await f.svc.setItem(setRequest(1, 10, 1, false))).toMatchObject({ checked: false });
        expect(await rowsOf(f, 1)).toMatchObject([{ productId: 10, checked: false }]);
      });

      it('the same call twice in one millisecond stores one line and answers the same', async () => {
        const f = await open();
        f.putProduct(10);
        const first = await f.svc.setItem(setRequest(1, 10, 3));
        expect(await f.svc.setItem(setRequest(1, 10, 3))).toEqual(first);
        expect(await rowsOf(f, 1)).toEqual([first]);
      });

      it('refuses a product the product service does not have: NotFound naming product_id, nothing stored', async () => {
        const f = await open();
        expect(await refusal(f.svc.setItem(setRequest(1, 404, 1)))).toEqual({ code: Code.NotFound, field: 'product_id' });
        expect(await rowsOf(f, 1)).toEqual([]);
      });

      it('refuses an off-shelf product: FailedPrecondition naming product_id, also for a line already in the cart', async () => {
        const f = await open();
        f.putProduct(10);
        f.putProduct(11, { status: 'off_shelf' });
        expect(await refusal(f.svc.setItem(setRequest(1, 11, 1)))).toEqual({ code: Code.FailedPrecondition, field: 'product_id' });
        await f.svc.setItem(setRequest(1, 10, 2));
        f.putProduct(10, { status: 'off_shelf' });
        expect(await refusal(f.svc.setItem(setRequest(1, 10, 9)))).toEqual({ code: Code.FailedPrecondition, field: 'product_id' });
        expect(await rowsOf(f, 1)).toMatchObject([{ productId: 10, quantity: 2 }]);
      });

      it('refuses the (maxItems+1)-th distinct product, naming product_id and the limit; lines already there still change', async () => {
        const f = await open({ maxItems: 3 });
        for (const id of [1, 2, 3, 4]) f.putProduct(id);
        for (const id of [1, 2, 3]) await f.svc.setItem(setRequest(1, id, 1));
        const full = await rejectionOf(f.svc.setItem(setRequest(1, 4, 1)), Code.RateLimited);
        expect(full.details).toEqual({ field: 'product_id', limit: 3 });
        expect(full.message).toBe('product_id: the cart holds at most 3 products; remove one before adding another');
        expect(await f.svc.setItem(setRequest(1, 2, 7))).toMatchObject({ productId: 2, quantity: 7 });
        expect((await rowsOf(f, 1)).map((r) => r.productId)).toEqual([1, 2, 3]);
        // Room again after a removal.
        await f.svc.removeItems({ userId: 1, productIds: [1] });
        expect(await f.svc.setItem(setRequest(1, 4, 1))).toMatchObject({ productId: 4 });
        expect((await rowsOf(f, 1)).map((r) => r.productId)).toEqual([2, 3, 4]);
      });

      it('asks the product service under the caller context: its request id and deadline go with the call', async () => {
        const f = await open();
        f.putProduct(10);
        const started = Date.now();
        await f.svc.setItem(setRequest(1, 10, 1), { timeoutMs: 5000, metadata: { 'x-request-id': 'req-cart-1' } });
        expect(f.productCalls).toHaveLength(1);
        expect(f.productCalls[0]).toMatchObject({ ids: [10], requestId: 'req-cart-1' });
        expect(f.productCalls[0]!.deadline).toBeGreaterThanOrEqual(started + 5000);
        expect(f.productCalls[0]!.deadline).toBeLessThanOrEqual(Date.now() + 5000);
      });
    });

    describe('RemoveItems', () => {
      it('removes the named products and ignores absent ones; a second removal changes nothing', async () => {
        const f = await open();
        for (const id of [1, 2, 3]) {
          f.putProduct(id);
          await f.svc.setItem(setRequest(1, id, id));
        }
        expect(await f.svc.removeItems({ userId: 1, productIds: [1, 3, 99] })).toEqual({});
        expect(await rowsOf(f, 1)).toMatchObject([{ productId: 2, quantity: 2 }]);
        expect(await f.svc.removeItems({ userId: 1, productIds: [1, 3, 99] })).toEqual({});
        expect(await rowsOf(f, 1)).toMatchObject([{ productId: 2, quantity: 2 }]);
      });

      it('takes repeats of one id, and removes from an empty cart', async () => {
        const f = await open();
        f.putProduct(5);
        await f.svc.setItem(setRequest(1, 5, 1));
        expect(await f.svc.removeItems({ userId: 1, productIds: [5, 5, 5] })).toEqual({});
        expect(await rowsOf(f, 1)).toEqual([]);
        expect(await f.svc.removeItems({ userId: 2, productIds: [5] })).toEqual({});
      });
    });

    describe('GetCart', () => {
      it('an empty cart is no lines and no total, without asking the product service', async () => {
        const f = await open();
        expect(await f.svc.getCart({ userId: 1, checkedOnly: false })).toEqual({ lines: [], totalCents: 0 });
        expect(f.productCalls).toEqual([]);
      });

      it('lists lines newest first; a changed line moves to the top; one millisecond is ordered by product id', async () => {
        const f = await open();
        for (const id of [1, 2, 3]) {
          f.putProduct(id);
          await f.svc.setItem(setRequest(1, id, 1));
          f.clock.advance(10);
        }
        const order = async () => (await f.svc.getCart({ userId: 1, checkedOnly: false })).lines.map((l) => l.item!.productId);
        expect(await order()).toEqual([3, 2, 1]);
        await f.svc.setItem(setRequest(1, 1, 4));
        expect(await order()).toEqual([1, 3, 2]);
        // 2 and 3 set again in one millisecond: the larger id first.
        f.clock.advance(10);
        await f.svc.setItem(setRequest(1, 2, 1));
        await f.svc.setItem(setRequest(1, 3, 1));
        expect(await order()).toEqual([3, 2, 1]);
      });

      it('shows each product as the product service has it now, and totals checked lines on sale', async () => {
        const f = await open();
        f.putProduct(1, { priceCents: 250, name: 'tea', imageUrls: ['https://img.example/tea.jpg', 'https://img.example/tea2.jpg'], stock: 7 });
        f.putProduct(2, { priceCents: 1999 });
        f.putProduct(3, { priceCents: 500 });
        f.putProduct(4, { priceCents: 800 });
        f.putProduct(5, { priceCents: 300, imageUrls: [] });
        await f.svc.setItem(setRequest(1, 1, 4)); // checked, on sale: 1000
        await f.svc.setItem(setRequest(1, 2, 1, false)); // unchecked
        await f.svc.setItem(setRequest(1, 3, 2)); // goes off shelf
        await f.svc.setItem(setRequest(1, 4, 3)); // is deleted
        await f.svc.setItem(setRequest(1, 5, 1)); // checked, on sale: 300
        f.putProduct(1, { priceCents: 300, name: 'tea', subtitle: 'green', categoryId: 3, imageUrls: ['https://img.example/tea.jpg'], stock: 7, sales: 12, detail: 'long text' }); // the price changed: 1200
        f.putProduct(3, { priceCents: 500, status: 'off_shelf' });
        f.products.delete(4);

        const cart = await f.svc.getCart({ userId: 1, checkedOnly: false });
        expect(cart.totalCents).toBe(300 * 4 + 300);
        const byId = new Map(cart.lines.map((l) => [l.item!.productId, l]));
        expect(byId.get(1)).toEqual({
          item: { productId: 1, quantity: 4, checked: true, updatedAt: f.clock.now() },
          product: { id: 1, name: 'tea', subtitle: 'green', categoryId: 3, imageUrls: ['https://img.example/tea.jpg'], priceCents: 300, stock: 7, sales: 12, status: 'on_sale' },
        });
        expect(byId.get(2)).toMatchObject({ item: { checked: false }, product: { priceCents: 1999, status: 'on_sale' } });
        expect(byId.get(3)).toMatchObject({ item: { quantity: 2 }, product: { status: 'off_shelf' } });
        expect(byId.get(4)).toEqual({ item: { productId: 4, quantity: 3, checked: true, updatedAt: f.clock.now() }, product: undefined });
        expect(byId.get(5)!.product).toMatchObject({ imageUrls: [] });
        expect(cart.lines).toHaveLength(5);
      });

      it('checked_only lists the checked lines alone, with the same total', async () => {
        const f = await open();
        for (const id of [1, 2, 3]) f.putProduct(id, { priceCents: 100 * id });
        await f.svc.setItem(setRequest(1, 1, 1));
        await f.svc.setItem(setRequest(1, 2, 1, false));
        await f.svc.setItem(setRequest(1, 3, 2));
        const all = await f.svc.getCart({ userId: 1, checkedOnly: false });
        const checked = await f.svc.getCart({ userId: 1, checkedOnly: true });
        expect(checked.lines.map((l) => l.item!.productId).sort()).toEqual([1, 3]);
        expect(checked.totalCents).toBe(700);
        expect(all.totalCents).toBe(700);
        expect(all.lines).toHaveLength(3);
      });

      it('a full cart of 100 lines costs one GetProducts call, under the caller context', async () => {
        const f = await open({ maxItems: 100 });
        for (let id = 1; id <= 100; id++) {
          f.putProduct(id, { priceCents: id });
          await f.svc.setItem(setRequest(1, id, 2));
        }
        f.productCalls.length = 0;
        const cart = await f.svc.getCart({ userId: 1, checkedOnly: false }, { metadata: { 'x-request-id': 'req-cart-2' } });
        expect(cart.lines).toHaveLength(100);
        expect(cart.totalCents).toBe(2 * ((100 * 101) / 2));
        expect(f.productCalls).toHaveLength(1);
        expect(f.productCalls[0]!.ids).toHaveLength(100);
        expect(f.productCalls[0]!.requestId).toBe('req-cart-2');
      });

      it('a cart of 250 lines asks in batches of at most 100 (the contract) and shows every product', async () => {
        const f = await open({ maxItems: 250 });
        for (let id = 1; id <= 250; id++) {
          f.putProduct(id);
          await f.svc.setItem(setRequest(1, id, 1));
        }
        f.productCalls.length = 0;
        const cart = await f.svc.getCart({ userId: 1, checkedOnly: false });
        expect(f.productCalls.map((c) => c.ids.length)).toEqual([100, 100, 50]);
        expect(new Set(f.productCalls.flatMap((c) => c.ids)).size).toBe(250);
        expect(cart.lines.every((l) => l.product?.id === l.item!.productId)).toBe(true);
        expect(cart.totalCents).toBe(250 * 1000);
      });
    });

    describe('one user, one cart', () => {
      it("user B neither sees nor changes user A's lines, and has a cart and a cap of its own", async () => {
        const f = await open({ maxItems: 2 });
        for (const id of [1, 2, 3]) f.putProduct(id);
        const A = 1;
        const B = 2;
        await f.svc.setItem(setRequest(A, 1, 3));
        await f.svc.setItem(setRequest(A, 2, 4));

        expect(await f.svc.getCart({ userId: B, checkedOnly: false })).toEqual({ lines: [], totalCents: 0 });
        await f.svc.removeItems({ userId: B, productIds: [1, 2] });
        // B setting the same product makes B's own line; A's is untouched.
        await f.svc.setItem(setRequest(B, 1, 9, false));
        // A's cart is full; B's is not.
        await f.svc.setItem(setRequest(B, 3, 1));

        expect(await rowsOf(f, A)).toMatchObject([
          { productId: 1, quantity: 3, checked: true },
          { productId: 2, quantity: 4, checked: true },
        ]);
        expect(await rowsOf(f, B)).toMatchObject([
          { productId: 1, quantity: 9, checked: false },
          { productId: 3, quantity: 1, checked: true },
        ]);
        const cartA = await f.svc.getCart({ userId: A, checkedOnly: false });
        expect(cartA.lines.map((l) => [l.item!.productId, l.item!.quantity]).sort()).toEqual([[1, 3], [2, 4]]);
      });
    });
  });
}
