// Reviews on SQLite and, when reachable (required in CI), MariaDB: who may review what (the order
// service's answer for the caller's own user id), once per product per order, the content masked,
// lists newest first through opaque cursors, and summaries read from the table each insert keeps.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { rejectionOf, testDatabases } from '#kit/testing';
import { replyFixturesOn, reviewRequest, type ReplyFixture } from './testing/fixture.js';

/** The stored reviews, as rows: what a write left, read past the service. */
const rowsOf = async (f: ReplyFixture) =>
  (await f.db.db.selectFrom('reviews').select(['order_id', 'product_id', 'user_id', 'rating', 'content']).orderBy('id').execute()).map((r) => ({
    orderId: Number(r.order_id),
    productId: Number(r.product_id),
    userId: Number(r.user_id),
    rating: Number(r.rating),
    content: r.content,
  }));

/** The refusal's code, the field it names and its message. */
const refusal = async (call: Promise<unknown>) => {
  const e = await rejectionOf(call);
  return { code: e.code, field: e.details?.field, message: e.message };
};

const summaryOf = async (f: ReplyFixture, productId: number) => (await f.svc.getSummaries({ productIds: [productId] })).summaries[0];

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`reviews on ${kind.name}`, () => {
    const open = replyFixturesOn(kind);

    describe('CreateReview', () => {
      it('stores the review of a completed order and answers it whole; the product summary counts it', async () => {
        const f = await open();
        f.putOrder(100, 1, [10, 11]);
        const review = await f.svc.createReview(reviewRequest(1, 100, 10, { rating: 4, content: '  good tea\nwould buy again  ', imageUrls: ['https://img.example/a.jpg', '/uploads/b.png'] }));
        expect(review).toEqual({
          id: review.id,
          orderId: 100,
          productId: 10,
          userId: 1,
          rating: 4,
          content: 'good tea\nwould buy again',
          imageUrls: ['https://img.example/a.jpg', '/uploads/b.png'],
          createdAt: f.clock.now(),
        });
        expect(review.id).toBeGreaterThan(0);
        expect(await rowsOf(f)).toEqual([{ orderId: 100, productId: 10, userId: 1, rating: 4, content: 'good tea\nwould buy again' }]);
        expect(await summaryOf(f, 10)).toEqual({ productId: 10, count: 1, ratingSum: 4, averageRating: 4 });
        expect(await summaryOf(f, 11)).toEqual({ productId: 11, count: 0, ratingSum: 0, averageRating: 0 });
        expect((await f.svc.listReviews({ productId: 10, cursor: '', limit: 0 })).reviews).toEqual([review]);
      });

      it('asks the order service with the caller’s user id, under the caller context', async () => {
        const f = await open();
        f.putOrder(100, 7, [10]);
        const started = Date.now();
        await f.svc.createReview(reviewRequest(7, 100, 10), { timeoutMs: 5000, metadata: { 'x-request-id': 'req-reply-1' } });
        expect(f.orderCalls).toHaveLength(1);
        expect(f.orderCalls[0]).toMatchObject({ userId: 7, id: 100, requestId: 'req-reply-1' });
        expect(f.orderCalls[0]!.deadline).toBeGreaterThanOrEqual(started + 5000);
        expect(f.orderCalls[0]!.deadline).toBeLessThanOrEqual(Date.now() + 5000);
      });

      it("refuses another user's order and an unknown one alike: NotFound naming order_id, nothing stored", async () => {
        const f = await open();
        f.putOrder(100, 1, [10]);
        const other = await refusal(f.svc.createReview(reviewRequest(2, 100, 10)));
        const missing = await refusal(f.svc.createReview(reviewRequest(1, 404, 10)));
        expect(other).toEqual({ code: Code.NotFound, field: 'order_id', message: 'order_id: no such order' });
        expect(missing).toEqual(other);
        expect(await rowsOf(f)).toEqual([]);
        expect(await summaryOf(f, 10)).toMatchObject({ count: 0 });
      });

      it.each(['unpaid', 'paid', 'shipped', 'cancelled', 'refunded'])('refuses a %s order: FailedPrecondition naming the status', async (status) => {
        const f = await open();
        f.putOrder(100, 1, [10], status);
        const e = await rejectionOf(f.svc.createReview(reviewRequest(1, 100, 10)), Code.FailedPrecondition);
        expect(e.details).toEqual({ field: 'status', status });
        expect(e.message).toBe(`status: the order is ${status}; only a completed order can be reviewed`);
        expect(await rowsOf(f)).toEqual([]);
      });

      it('refuses a product the order does not hold: InvalidArgument naming product_id', async () => {
        const f = await open();
        f.putOrder(100, 1, [10, 11]);
        expect(await refusal(f.svc.createReview(reviewRequest(1, 100, 12)))).toMatchObject({ code: Code.InvalidArgument, field: 'product_id' });
        expect(await rowsOf(f)).toEqual([]);
      });

      it('takes one review per product per order: a second is AlreadyExists and changes nothing; other products and orders are free', async () => {
        const f = await open();
        f.putOrder(100, 1, [10, 11]);
        f.putOrder(101, 1, [10]);
        await f.svc.createReview(reviewRequest(1, 100, 10, { rating: 5 }));
        const again = await rejectionOf(f.svc.createReview(reviewRequest(1, 100, 10, { rating: 1, content: 'changed my mind' })), Code.AlreadyExists);
        expect(again.details).toEqual({ field: 'product_id' });
        expect(await summaryOf(f, 10)).toEqual({ productId: 10, count: 1, ratingSum: 5, averageRating: 5 });
        // The other product of the order, and the same product bought again in another order.
        await f.svc.createReview(reviewRequest(1, 100, 11, { rating: 2 }));
        await f.svc.createReview(reviewRequest(1, 101, 10, { rating: 2 }));
        expect((await rowsOf(f)).map((r) => [r.orderId, r.productId, r.rating])).toEqual([
          [100, 10, 5],
          [100, 11, 2],
          [101, 10, 2],
        ]);
        expect(await summaryOf(f, 10)).toEqual({ productId: 10, count: 2, ratingSum: 7, averageRating: 3.5 });
      });

      it('masks the configured words in any case, full-width, and with invisible characters between letters', async () => {
        const f = await open();
        f.putOrder(100, 1, [10, 11, 12]);
        const plain = await f.svc.createReview(reviewRequest(1, 100, 10, { content: 'What SHIT packaging' }));
        expect(plain.content).toBe('What **** packaging');
        const wide = await f.svc.createReview(reviewRequest(1, 100, 11, { content: 'ｓｈｉｔ，傻逼卖家' }));
        expect(wide.content).toBe('****，**卖家');
        const hidden = await f.svc.createReview(reviewRequest(1, 100, 12, { content: 'sh\u200bit' }));
        expect(hidden.content).toBe('*****');
        expect((await rowsOf(f)).map((r) => r.content)).toEqual(['What **** packaging', '****，**卖家', '*****']);
      });

      it('masks the words of reply.blockedWords; an empty list masks nothing', async () => {
        const custom = await open({ blockedWords: ['knockoff'] });
        custom.putOrder(100, 1, [10]);
        expect((await custom.svc.createReview(reviewRequest(1, 100, 10, { content: 'a Knockoff, not shit' }))).content).toBe('a ********, not shit');
        const none = await open({ blockedWords: [] });
        none.putOrder(100, 1, [10]);
        expect((await none.svc.createReview(reviewRequest(1, 100, 10, { content: 'shit' }))).content).toBe('shit');
      });
    });

    describe('ListReviews', () => {
      /** n reviews of product 10, one per order, with ratings 1..5 in turn; their ids, oldest first. */
      const reviewsOf10 = async (f: ReplyFixture, n: number) => {
        const ids: number[] = [];
        for (let i = 1; i <= n; i++) {
          f.putOrder(1000 + i, i, [10]);
          f.clock.advance(1);
          ids.push((await f.svc.createReview(reviewRequest(i, 1000 + i, 10, { rating: ((i - 1) % 5) + 1, content: `review ${i}` }))).id);
        }
        return ids;
      };

      it('pages a product’s reviews newest first through next_cursor until is_end', async () => {
        const f = await open();
        const ids = await reviewsOf10(f, 5);
        f.putOrder(2000, 9, [11]);
        await f.svc.createReview(reviewRequest(9, 2000, 11));
        const first = await f.svc.listReviews({ productId: 10, cursor: '', limit: 2 });
        expect(first.reviews.map((r) => r.id)).toEqual([ids[4], ids[3]]);
        expect(first.isEnd).toBe(false);
        const second = await f.svc.listReviews({ productId: 10, cursor: first.nextCursor, limit: 2 });
        expect(second.reviews.map((r) => r.id)).toEqual([ids[2], ids[1]]);
        expect(second.isEnd).toBe(false);
        const last = await f.svc.listReviews({ productId: 10, cursor: second.nextCursor, limit: 2 });
        expect(last).toEqual({ reviews: [expect.objectContaining({ id: ids[0], content: 'review 1', userId: 1, orderId: 1001 })], nextCursor: '', isEnd: true });
      });

      it('a page that ends exactly at the last review says is_end, with no cursor', async () => {
        const f = await open();
        await reviewsOf10(f, 4);
        expect(await f.svc.listReviews({ productId: 10, cursor: '', limit: 4 })).toMatchObject({ nextCursor: '', isEnd: true });
        expect((await f.svc.listReviews({ productId: 10, cursor: '', limit: 4 })).reviews).toHaveLength(4);
      });

      it('a product without reviews is an empty last page', async () => {
        const f = await open();
        expect(await f.svc.listReviews({ productId: 10, cursor: '', limit: 20 })).toEqual({ reviews: [], nextCursor: '', isEnd: true });
      });

      it('limit 0 is 20, and more than 50 counts as 50', async () => {
        const f = await open();
        await reviewsOf10(f, 52);
        const byDefault = await f.svc.listReviews({ productId: 10, cursor: '', limit: 0 });
        expect(byDefault.reviews).toHaveLength(20);
        expect(byDefault.isEnd).toBe(false);
        const capped = await f.svc.listReviews({ productId: 10, cursor: '', limit: 1000 });
        expect(capped.reviews).toHaveLength(50);
        const rest = await f.svc.listReviews({ productId: 10, cursor: capped.nextCursor, limit: 1000 });
        expect(rest).toMatchObject({ isEnd: true, nextCursor: '' });
        expect(rest.reviews).toHaveLength(2);
      });
    });

    describe('GetSummaries', () => {
      it('answers one summary per distinct id in the order asked: count, sum and average; zeros for none', async () => {
        const f = await open();
        f.putOrder(1, 1, [10, 11]);
        f.putOrder(2, 2, [10]);
        f.putOrder(3, 3, [10]);
        await f.svc.createReview(reviewRequest(1, 1, 10, { rating: 5 }));
        await f.svc.createReview(reviewRequest(2, 2, 10, { rating: 4 }));
        await f.svc.createReview(reviewRequest(3, 3, 10, { rating: 4 }));
        await f.svc.createReview(reviewRequest(1, 1, 11, { rating: 1 }));
        expect(await f.svc.getSummaries({ productIds: [99, 10, 11, 10] })).toEqual({
          summaries: [
            { productId: 99, count: 0, ratingSum: 0, averageRating: 0 },
            { productId: 10, count: 3, ratingSum: 13, averageRating: 13 / 3 },
            { productId: 11, count: 1, ratingSum: 1, averageRating: 1 },
          ],
        });
        expect(await f.svc.getSummaries({ productIds: [] })).toEqual({ summaries: [] });
      });

      it('serves a summary from the cache and drops it when a review of the product commits', async () => {
        const f = await open();
        f.putOrder(1, 1, [10]);
        f.putOrder(2, 2, [10]);
        expect(await summaryOf(f, 10)).toMatchObject({ count: 0 });
        // Changed past the service: the cached summary still answers, so the table was not read again.
        await f.db.db.insertInto('review_summaries').values({ product_id: 10, review_count: 7, rating_sum: 7 }).execute();
        expect(await summaryOf(f, 10)).toMatchObject({ count: 0 });
        await f.svc.createReview(reviewRequest(1, 1, 10, { rating: 5 }));
        expect(await summaryOf(f, 10)).toEqual({ productId: 10, count: 8, ratingSum: 12, averageRating: 1.5 });
        await f.svc.createReview(reviewRequest(2, 2, 10, { rating: 3 }));
        expect(await summaryOf(f, 10)).toEqual({ productId: 10, count: 9, ratingSum: 15, averageRating: 15 / 9 });
      });

      it('reads the summary table, never counting the reviews: a row changed past the service is what it answers', async () => {
        const f = await open();
        f.putOrder(1, 1, [10]);
        await f.svc.createReview(reviewRequest(1, 1, 10, { rating: 3 }));
        await f.db.db.updateTable('review_summaries').set({ review_count: 40, rating_sum: 170 }).where('product_id', '=', 10).execute();
        expect(await summaryOf(f, 10)).toEqual({ productId: 10, count: 40, ratingSum: 170, averageRating: 4.25 });
      });

      it('a refused review leaves the summary as it was', async () => {
        const f = await open();
        f.putOrder(1, 1, [10]);
        f.putOrder(2, 2, [10], 'shipped');
        await f.svc.createReview(reviewRequest(1, 1, 10, { rating: 2 }));
        await rejectionOf(f.svc.createReview(reviewRequest(1, 1, 10, { rating: 5 })), Code.AlreadyExists);
        await rejectionOf(f.svc.createReview(reviewRequest(2, 2, 10, { rating: 5 })), Code.FailedPrecondition);
        expect(await summaryOf(f, 10)).toEqual({ productId: 10, count: 1, ratingSum: 2, averageRating: 2 });
      });
    });
  });
}
