// The cap on distinct products holds under concurrent SetItems from one user, on SQLite and on a
// real MariaDB (required in CI), where the calls run on separate connections at once: exactly
// maxItems succeed, every other is refused, and exactly maxItems lines are stored. Different
// users' carts fill side by side, and concurrent sets of one product end in one line.
import { describe, expect, it } from 'vitest';
import { Code, SurgeError } from '#kit/errors';
import { testDatabases } from '#kit/testing';
import { cartFixturesOn, setRequest, type CartFixture } from './testing/fixture.js';

/** How each call ended: 'ok', or the name of its refusal's code. */
const outcomes = (settled: PromiseSettledResult<unknown>[]) =>
  settled.map((s) => (s.status === 'fulfilled' ? 'ok' : s.reason instanceof SurgeError ? s.reason.code : String(s.reason)));

const count = (list: readonly unknown[], value: unknown) => list.filter((v) => v === value).length;

const linesOf = async (f: CartFixture, userId: number) =>
  (await f.db.db.selectFrom('cart_items').select('product_id').where('user_id', '=', userId).execute()).map((r) => Number(r.product_id));

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`the cap under concurrent SetItems on ${kind.name}`, () => {
    const open = cartFixturesOn(kind);

    it('30 concurrent new products for a cart of 5: 5 set, 25 refused RateLimited, 5 lines', async () => {
      const f = await open({ maxItems: 5 });
      for (let id = 1; id <= 30; id++) f.putProduct(id);
      const settled = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => f.svc.setItem(setRequest(1, i + 1, 1))));
      const ends = outcomes(settled);
      expect(count(ends, 'ok')).toBe(5);
      expect(count(ends, Code.RateLimited)).toBe(25);
      const lines = await linesOf(f, 1);
      expect(lines).toHaveLength(5);
      // The lines stored are the products whose calls succeeded.
      const setIds = settled.flatMap((s, i) => (s.status === 'fulfilled' ? [i + 1] : []));
      expect(lines.sort((a, b) => a - b)).toEqual(setIds);
    });

    it('a cart one short of full, 20 concurrent new products: one set', async () => {
      const f = await open({ maxItems: 5 });
      for (let id = 1; id <= 24; id++) f.putProduct(id);
      for (let id = 1; id <= 4; id++) await f.svc.setItem(setRequest(1, id, 1));
      const ends = outcomes(await Promise.allSettled(Array.from({ length: 20 }, (_, i) => f.svc.setItem(setRequest(1, 5 + i, 1)))));
      expect(count(ends, 'ok')).toBe(1);
      expect(count(ends, Code.RateLimited)).toBe(19);
      expect(await linesOf(f, 1)).toHaveLength(5);
    });

    it('three users at once, 12 new products each, carts of 4: 4 lines each, none waits on another', async () => {
      const f = await open({ maxItems: 4 });
      for (let id = 1; id <= 12; id++) f.putProduct(id);
      const calls = [1, 2, 3].flatMap((userId) => Array.from({ length: 12 }, (_, i) => f.svc.setItem(setRequest(userId, i + 1, userId))));
      const ends = outcomes(await Promise.allSettled(calls));
      expect(count(ends, 'ok')).toBe(12);
      expect(count(ends, Code.RateLimited)).toBe(24);
      for (const userId of [1, 2, 3]) expect(await linesOf(f, userId)).toHaveLength(4);
    });

    it('20 concurrent sets of one new product: one line, every call answered', async () => {
      const f = await open({ maxItems: 5 });
      f.putProduct(7);
      const ends = outcomes(await Promise.allSettled(Array.from({ length: 20 }, (_, i) => f.svc.setItem(setRequest(1, 7, i + 1)))));
      expect(ends).toEqual(Array(20).fill('ok'));
      const rows = await f.db.db.selectFrom('cart_items').select(['product_id', 'quantity']).where('user_id', '=', 1).execute();
      expect(rows).toHaveLength(1);
      expect(Number(rows[0]!.quantity)).toBeGreaterThanOrEqual(1);
    });

    it('concurrent removes and sets of a full cart never leave more than the cap', async () => {
      const f = await open({ maxItems: 5 });
      for (let id = 1; id <= 20; id++) f.putProduct(id);
      for (let id = 1; id <= 5; id++) await f.svc.setItem(setRequest(1, id, 1));
      const calls = [
        ...Array.from({ length: 15 }, (_, i) => f.svc.setItem(setRequest(1, 6 + i, 1))),
        ...[1, 2, 3].map((id) => f.svc.removeItems({ userId: 1, productIds: [id] })),
      ];
      const ends = outcomes(await Promise.allSettled(calls));
      expect(ends.every((e) => e === 'ok' || e === Code.RateLimited)).toBe(true);
      const lines = await linesOf(f, 1);
      expect(lines.length).toBeLessThanOrEqual(5);
      // Every set that succeeded is stored (a removal never deleted a new product).
      const setIds = ends.slice(0, 15).flatMap((e, i) => (e === 'ok' ? [6 + i] : []));
      expect(lines.filter((id) => id >= 6).sort((a, b) => a - b)).toEqual(setIds);
      expect(lines.length).toBe(2 + setIds.length);
    });
  });
}
