// A buyer's addresses: exactly one default while there are any, at most 20, another user's ids
// read as none. Through the order module as hosted (embedded).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { rejectionOf } from '#kit/testing';
import { MAX_ADDRESSES } from './rules.js';
import { startMall, type MallFixture } from './testing/fixture.js';

let mall: MallFixture;
let nextUser = 9000;
const user = () => ++nextUser;

beforeAll(async () => {
  mall = await startMall();
}, 60_000);
afterAll(() => mall?.close());

const defaults = async (userId: number) => (await mall.orders.listAddresses({ userId })).addresses.filter((a) => a.isDefault).map((a) => a.id);

describe('addresses', () => {
  it('the first becomes the default; is_default moves it (the old one unset); deleting the default promotes the newest remaining', async () => {
    const owner = user();
    const first = await mall.address(owner);
    expect(first.isDefault).toBe(true);
    const second = await mall.address(owner);
    const third = await mall.address(owner);
    expect([second.isDefault, third.isDefault]).toEqual([false, false]);
    expect(await defaults(owner)).toEqual([first.id]);

    const made = await mall.address(owner, true);
    expect(made.isDefault).toBe(true);
    expect(await defaults(owner)).toEqual([made.id]);
    expect(await mall.updateAddress({ userId: owner, id: second.id, isDefault: true })).toMatchObject({ id: second.id, isDefault: true, name: second.name });
    expect(await defaults(owner)).toEqual([second.id]);
    // The default first, then newest first.
    expect((await mall.orders.listAddresses({ userId: owner })).addresses.map((a) => a.id)).toEqual([second.id, made.id, third.id, first.id]);

    await mall.orders.deleteAddress({ userId: owner, id: second.id });
    expect(await defaults(owner)).toEqual([made.id]);
    await mall.orders.deleteAddress({ userId: owner, id: first.id });
    expect(await defaults(owner)).toEqual([made.id]);
    await mall.orders.deleteAddress({ userId: owner, id: made.id });
    expect(await defaults(owner)).toEqual([third.id]);
    await mall.orders.deleteAddress({ userId: owner, id: third.id });
    expect((await mall.orders.listAddresses({ userId: owner })).addresses).toEqual([]);
  });

  it('concurrent "make me the default" calls leave exactly one default', async () => {
    const owner = user();
    const all = [await mall.address(owner)];
    for (let i = 0; i < 5; i++) all.push(await mall.address(owner));
    await Promise.all(all.map((a) => mall.updateAddress({ userId: owner, id: a.id, isDefault: true })));
    expect(await defaults(owner)).toHaveLength(1);
  });

  it('updates only the fields given; the default cannot be unset by itself', async () => {
    const owner = user();
    const a = await mall.address(owner);
    const b = await mall.address(owner);
    const changed = await mall.updateAddress({ userId: owner, id: b.id, city: '  Suzhou ', phone: '+86 138-0013-8000' });
    expect(changed).toEqual({ ...b, city: 'Suzhou', phone: '+86 138-0013-8000' });
    expect((await rejectionOf(mall.updateAddress({ userId: owner, id: a.id, isDefault: false }), Code.InvalidArgument)).details).toMatchObject({ field: 'is_default' });
    // Unsetting a non-default one changes nothing.
    expect(await mall.updateAddress({ userId: owner, id: b.id, isDefault: false })).toEqual(changed);
    expect(await defaults(owner)).toEqual([a.id]);
  });

  it(`at most ${MAX_ADDRESSES} per user, also when added at once`, async () => {
    const owner = user();
    const results = await Promise.allSettled(Array.from({ length: MAX_ADDRESSES + 5 }, () => mall.address(owner)));
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused.map((r) => r.reason.code)).toEqual(Array(5).fill(Code.RateLimited));
    expect((await mall.orders.listAddresses({ userId: owner })).addresses).toHaveLength(MAX_ADDRESSES);
    expect(await defaults(owner)).toHaveLength(1);
    // Another user is not counted against it.
    expect((await mall.address(user())).isDefault).toBe(true);
  });

  it("another user's address is not found for update and delete, and is left as it was", async () => {
    const owner = user();
    const a = await mall.address(owner);
    const stranger = user();
    expect((await rejectionOf(mall.updateAddress({ userId: stranger, id: a.id, city: 'X' }), Code.NotFound)).details).toMatchObject({ field: 'id' });
    await rejectionOf(mall.updateAddress({ userId: stranger, id: a.id, isDefault: false }), Code.NotFound);
    await rejectionOf(mall.orders.deleteAddress({ userId: stranger, id: a.id }), Code.NotFound);
    expect((await mall.orders.listAddresses({ userId: owner })).addresses).toEqual([a]);
    expect((await mall.orders.listAddresses({ userId: stranger })).addresses).toEqual([]);
  });
});
