// Summaries stay exact under concurrent reviews, on SQLite and on a real MariaDB (required in
// CI), where the calls run on separate connections at once: the summary row changes in the same
// transaction as each insert, so 20 reviews of one product at once count 20 with the exact sum,
// and 20 reviews of one product of one order at once store one.
import { describe, expect, it } from 'vitest';
import { Code, SurgeError } from '#kit/errors';
import { testDatabases } from '#kit/testing';
import { replyFixturesOn, reviewRequest, type ReplyFixture } from './testing/fixture.js';

/** How each call ended: 'ok', or its refusal's code. */
const outcomes = (settled: PromiseSettledResult<unknown>[]) =>
  settled.map((s) => (s.status === 'fulfilled' ? 'ok' : s.reason instanceof SurgeError ? s.reason.code : String(s.reason)));

const count = (list: readonly unknown[], value: unknown) => list.filter((v) => v === value).length;

/** The stored reviews of a product, counted and summed past the service. */
const storedOf = async (f: ReplyFixture, productId: number) => {
  const rows = await f.db.db.selectFrom('reviews').select('rating').where('product_id', '=', productId).execute();
  return { count: rows.length, ratingSum: rows.reduce((sum, r) => sum + Number(r.rating), 0) };
};

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`summaries under concurrent reviews on ${kind.name}`, () => {
    const open = replyFixturesOn(kind);

    it('20 reviews of one product at once, from 20 orders: count 20 and the exact rating sum', async () => {
      const f = await open();
      const ratings = Array.from({ length: 20 }, (_, i) => (i % 5) + 1);
      for (let i = 0; i < 20; i++) f.putOrder(100 + i, 1 + i, [10]);
      const ends = outcomes(await Promise.allSettled(ratings.map((rating, i) => f.svc.createReview(reviewRequest(1 + i, 100 + i, 10, { rating })))));
      expect(ends).toEqual(Array(20).fill('ok'));
      const sum = ratings.reduce((a, b) => a + b, 0);
      expect(sum).toBe(60);
      expect((await f.svc.getSummaries({ productIds: [10] })).summaries).toEqual([{ productId: 10, count: 20, ratingSum: sum, averageRating: 3 }]);
      expect(await storedOf(f, 10)).toEqual({ count: 20, ratingSum: sum });
    });

    it('a first review of a product and 19 more at once, all new to the summary table: every one counted', async () => {
      // No summary row exists when they start: each call may be the one that makes it.
      const f = await open();
      for (let i = 0; i < 20; i++) f.putOrder(200 + i, 7, [20]);
      const ends = outcomes(await Promise.allSettled(Array.from({ length: 20 }, (_, i) => f.svc.createReview(reviewRequest(7, 200 + i, 20, { rating: 4 })))));
      expect(ends).toEqual(Array(20).fill('ok'));
      expect((await f.svc.getSummaries({ productIds: [20] })).summaries[0]).toEqual({ productId: 20, count: 20, ratingSum: 80, averageRating: 4 });
    });

    it('20 reviews of one product of one order at once: one stored, 19 AlreadyExists, the summary counts one', async () => {
      const f = await open();
      f.putOrder(300, 3, [30]);
      const settled = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => f.svc.createReview(reviewRequest(3, 300, 30, { rating: (i % 5) + 1 }))));
      const ends = outcomes(settled);
      expect(count(ends, 'ok')).toBe(1);
      expect(count(ends, Code.AlreadyExists)).toBe(19);
      const stored = (settled.find((s) => s.status === 'fulfilled') as PromiseFulfilledResult<{ rating: number }>).value;
      expect((await f.svc.getSummaries({ productIds: [30] })).summaries[0]).toEqual({ productId: 30, count: 1, ratingSum: stored.rating, averageRating: stored.rating });
      expect(await storedOf(f, 30)).toEqual({ count: 1, ratingSum: stored.rating });
    });

    it('reviews of three products at once, mixed with repeats: each summary is its own stored reviews', async () => {
      const f = await open();
      const products = [41, 42, 43];
      for (let i = 0; i < 10; i++) f.putOrder(400 + i, 4, products);
      // Each order reviews each product twice at once: one of each pair is refused.
      const calls = [0, 1].flatMap(() =>
        Array.from({ length: 10 }, (_, i) => products.map((productId) => f.svc.createReview(reviewRequest(4, 400 + i, productId, { rating: ((i + productId) % 5) + 1 })))).flat(),
      );
      const ends = outcomes(await Promise.allSettled(calls));
      expect(count(ends, 'ok')).toBe(30);
      expect(count(ends, Code.AlreadyExists)).toBe(30);
      const { summaries } = await f.svc.getSummaries({ productIds: products });
      for (const summary of summaries) {
        const stored = await storedOf(f, summary.productId);
        expect(stored.count).toBe(10);
        expect({ count: summary.count, ratingSum: summary.ratingSum }).toEqual(stored);
      }
    });
  });
}
