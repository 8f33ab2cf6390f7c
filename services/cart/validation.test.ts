// Bad input to every RPC of the cart: InvalidArgument naming the field, refused before any work
// (no product lookup, no row written). The handlers are called directly, so inputs the wire
// cannot carry (fractions in an int64) are tried too.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { rejectionOf, testDatabases } from '#kit/testing';
import { MAX_REMOVE_IDS } from './index.js';
import { cartFixturesOn } from './testing/fixture.js';

const sqlite = (await testDatabases()).find((kind) => kind.name === 'SQLite')!;
const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const good = { userId: 1, productId: 10, quantity: 1 };

describe('bad input to the cart', () => {
  const open = cartFixturesOn(sqlite);

  it.each([
    ['user_id 0', { ...good, userId: 0 }, 'user_id'],
    ['a negative user_id', { ...good, userId: -1 }, 'user_id'],
    ['a fractional user_id', { ...good, userId: 1.5 }, 'user_id'],
    ['an unsafe user_id', { ...good, userId: 2 ** 53 }, 'user_id'],
    ['product_id 0', { ...good, productId: 0 }, 'product_id'],
    ['a negative product_id', { ...good, productId: -10 }, 'product_id'],
    ['quantity 0', { ...good, quantity: 0 }, 'quantity'],
    ['a negative quantity', { ...good, quantity: -1 }, 'quantity'],
    ['a fractional quantity', { ...good, quantity: 1.5 }, 'quantity'],
    ['a quantity above maxQuantity (5 here)', { ...good, quantity: 6 }, 'quantity'],
  ])('SetItem refuses %s', async (_what, req, field) => {
    const f = await open({ maxQuantity: 5 });
    f.putProduct(10);
    const e = await rejectionOf(f.handlers.setItem(req, f.ctx()), Code.InvalidArgument);
    expect(e.details).toEqual({ field });
    expect(e.message.startsWith(`${field}: `)).toBe(true);
    expect(f.productCalls).toEqual([]);
    expect(await f.db.db.selectFrom('cart_items').selectAll().execute()).toEqual([]);
  });

  it('SetItem takes quantity maxQuantity, and the refusal says the bounds', async () => {
    const f = await open({ maxQuantity: 5 });
    f.putProduct(10);
    expect(await f.handlers.setItem({ ...good, quantity: 5 }, f.ctx())).toMatchObject({ quantity: 5 });
    expect((await rejectionOf(f.handlers.setItem({ ...good, quantity: 6 }, f.ctx()))).message).toBe('quantity: must be an integer from 1 to 5');
  });

  it.each([
    ['user_id 0', { userId: 0, productIds: [1] }, 'user_id'],
    ['a fractional user_id', { userId: 0.5, productIds: [1] }, 'user_id'],
    ['no product_ids', { userId: 1, productIds: [] }, 'product_ids'],
    ['a product id 0', { userId: 1, productIds: [1, 0] }, 'product_ids'],
    ['a negative product id', { userId: 1, productIds: [-3] }, 'product_ids'],
    [`${MAX_REMOVE_IDS + 1} product ids`, { userId: 1, productIds: ids(MAX_REMOVE_IDS + 1) }, 'product_ids'],
  ])('RemoveItems refuses %s', async (_what, req, field) => {
    const f = await open();
    f.putProduct(1);
    await f.handlers.setItem({ userId: 1, productId: 1, quantity: 1 }, f.ctx());
    const e = await rejectionOf(f.handlers.removeItems(req, f.ctx()), Code.InvalidArgument);
    expect(e.details).toEqual({ field });
    // Nothing was removed, not even the valid ids of the batch.
    expect(await f.db.db.selectFrom('cart_items').select('product_id').execute()).toHaveLength(1);
  });

  it(`RemoveItems takes ${MAX_REMOVE_IDS} ids`, async () => {
    const f = await open();
    expect(await f.handlers.removeItems({ userId: 1, productIds: ids(MAX_REMOVE_IDS) }, f.ctx())).toEqual({});
  });

  it.each([
    ['user_id 0', { userId: 0, checkedOnly: false }],
    ['a negative user_id', { userId: -7, checkedOnly: true }],
    ['a fractional user_id', { userId: 2.5, checkedOnly: false }],
  ])('GetCart refuses %s', async (_what, req) => {
    const f = await open();
    const e = await rejectionOf(f.handlers.getCart(req, f.ctx()), Code.InvalidArgument);
    expect(e.details).toEqual({ field: 'user_id' });
    expect(f.productCalls).toEqual([]);
  });
});
