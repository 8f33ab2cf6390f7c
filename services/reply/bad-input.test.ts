// Bad input to every RPC of the reply service: InvalidArgument naming the field, refused before
// any work (no order lookup, no row written). The handlers are called directly, so inputs the wire
// cannot carry (fractions in an int64) are tried too. The bounds themselves are taken.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { rejectionOf, testDatabases } from '#kit/testing';
import type { CreateReviewRequest, ListReviewsRequest } from '#gen/surge/reply/v1/reply';
import { MAX_CONTENT, MAX_IMAGE_URL, MAX_IMAGES, MAX_SUMMARY_IDS } from './index.js';
import { encodeCursor } from './model/cursor.js';
import { replyFixturesOn, reviewRequest } from './testing/fixture.js';

const sqlite = (await testDatabases()).find((kind) => kind.name === 'SQLite')!;
const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const good = reviewRequest(1, 100, 10);
const images = (n: number) => Array.from({ length: n }, (_, i) => `https://img.example/${i}.jpg`);
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('bad input to the reply service', () => {
  const open = replyFixturesOn(sqlite);

  it.each<[string, Partial<CreateReviewRequest>, string]>([
    ['user_id 0', { userId: 0 }, 'user_id'],
    ['a negative user_id', { userId: -1 }, 'user_id'],
    ['a fractional user_id', { userId: 1.5 }, 'user_id'],
    ['an unsafe user_id', { userId: 2 ** 53 }, 'user_id'],
    ['order_id 0', { orderId: 0 }, 'order_id'],
    ['a negative order_id', { orderId: -100 }, 'order_id'],
    ['product_id 0', { productId: 0 }, 'product_id'],
    ['a fractional product_id', { productId: 10.5 }, 'product_id'],
    ['rating 0', { rating: 0 }, 'rating'],
    ['rating 6', { rating: 6 }, 'rating'],
    ['a negative rating', { rating: -3 }, 'rating'],
    ['a fractional rating', { rating: 4.5 }, 'rating'],
    ['empty content', { content: '' }, 'content'],
    ['content of spaces', { content: '   \n  ' }, 'content'],
    [`content of ${MAX_CONTENT + 1} characters`, { content: 'x'.repeat(MAX_CONTENT + 1) }, 'content'],
    [`content of ${MAX_CONTENT + 1} emoji`, { content: '😀'.repeat(MAX_CONTENT + 1) }, 'content'],
    ['content with a control character', { content: 'good\u0007tea' }, 'content'],
    ['content with a bidi override', { content: 'good \u202Etea' }, 'content'],
    ['content with a lone surrogate', { content: 'good \uD800 tea' }, 'content'],
    [`${MAX_IMAGES + 1} images`, { imageUrls: images(MAX_IMAGES + 1) }, 'image_urls'],
    ['an empty image url', { imageUrls: [''] }, 'image_urls'],
    ['an ftp image url', { imageUrls: ['ftp://img.example/a.jpg'] }, 'image_urls'],
    ['a javascript: image url', { imageUrls: ['javascript:alert(1)'] }, 'image_urls'],
    ['a protocol-relative image url', { imageUrls: ['//evil.example/a.jpg'] }, 'image_urls'],
    ['an image url without a host', { imageUrls: ['https:///a.jpg'] }, 'image_urls'],
    ['a relative image path', { imageUrls: ['a.jpg'] }, 'image_urls'],
    ['an image url with a space', { imageUrls: ['https://img.example/a b.jpg'] }, 'image_urls'],
    [`an image url of ${MAX_IMAGE_URL + 1} characters`, { imageUrls: [`https://img.example/${'a'.repeat(MAX_IMAGE_URL)}`] }, 'image_urls'],
    ['a bad image after a good one', { imageUrls: ['/a.jpg', 'data:image/png;base64,AAAA'] }, 'image_urls'],
  ])('CreateReview refuses %s', async (_what, change, field) => {
    const f = await open();
    f.putOrder(100, 1, [10]);
    const e = await rejectionOf(f.handlers.createReview({ ...good, ...change }, f.ctx()), Code.InvalidArgument);
    expect(e.details).toEqual({ field });
    expect(e.message.startsWith(`${field}: `)).toBe(true);
    expect(f.orderCalls).toEqual([]);
    expect(await f.db.db.selectFrom('reviews').selectAll().execute()).toEqual([]);
    expect(await f.db.db.selectFrom('review_summaries').selectAll().execute()).toEqual([]);
  });

  it('CreateReview takes the bounds: ratings 1 and 5, 500 characters, 6 images of 512 characters, none', async () => {
    const f = await open();
    f.putOrder(100, 1, [10, 11, 12]);
    const longUrl = `https://img.example/${'a'.repeat(MAX_IMAGE_URL - 'https://img.example/'.length)}`;
    expect(longUrl).toHaveLength(MAX_IMAGE_URL);
    const most = await f.handlers.createReview({ ...good, rating: 1, content: '好'.repeat(MAX_CONTENT), imageUrls: Array(MAX_IMAGES).fill(longUrl) }, f.ctx());
    expect(most).toMatchObject({ rating: 1, imageUrls: Array(MAX_IMAGES).fill(longUrl) });
    expect([...most.content]).toHaveLength(MAX_CONTENT);
    expect(await f.handlers.createReview({ ...good, productId: 11, rating: 5, content: 'x', imageUrls: [] }, f.ctx())).toMatchObject({ rating: 5, content: 'x', imageUrls: [] });
    expect(await f.handlers.createReview({ ...good, productId: 12, imageUrls: ['/uploads/r/1.jpg', 'http://img.example/2.jpg'] }, f.ctx())).toMatchObject({ productId: 12 });
  });

  it.each<[string, Partial<ListReviewsRequest>, string]>([
    ['product_id 0', { productId: 0 }, 'product_id'],
    ['a negative product_id', { productId: -10 }, 'product_id'],
    ['a fractional product_id', { productId: 2.5 }, 'product_id'],
    ['a cursor that is not base64url', { cursor: 'r.5!' }, 'cursor'],
    ['a cursor of plain text', { cursor: 'hello' }, 'cursor'],
    ["the order list's cursor", { cursor: b64('o.5') }, 'cursor'],
    ['a cursor of id 0', { cursor: b64('r.0') }, 'cursor'],
    ['a cursor of a negative id', { cursor: b64('r.-5') }, 'cursor'],
    ['a cursor with a fraction', { cursor: b64('r.5.5') }, 'cursor'],
    ['a cursor past 2^53', { cursor: b64('r.9007199254740993') }, 'cursor'],
    ['a cursor with a leading zero', { cursor: b64('r.05') }, 'cursor'],
    // "r.55" is ci41NQ; the last character's low 4 bits are padding, so ci41NR decodes alike.
    ['a cursor spelled another way (padding bits)', { cursor: 'ci41NR' }, 'cursor'],
    ['a cursor of 41 characters', { cursor: 'A'.repeat(41) }, 'cursor'],
    ['a negative limit', { limit: -1 }, 'limit'],
    ['a fractional limit', { limit: 1.5 }, 'limit'],
  ])('ListReviews refuses %s', async (_what, change, field) => {
    const f = await open();
    const e = await rejectionOf(f.handlers.listReviews({ productId: 10, cursor: '', limit: 20, ...change }, f.ctx()), Code.InvalidArgument);
    expect(e.details).toEqual({ field });
    expect(e.message.startsWith(`${field}: `)).toBe(true);
  });

  it("ListReviews takes its own cursor (well-formed, even made by hand): it only moves the page's start", async () => {
    const f = await open();
    expect(await f.handlers.listReviews({ productId: 10, cursor: encodeCursor(123), limit: 5 }, f.ctx())).toEqual({ reviews: [], nextCursor: '', isEnd: true });
  });

  it.each<[string, number[]]>([
    [`${MAX_SUMMARY_IDS + 1} ids`, ids(MAX_SUMMARY_IDS + 1)],
    ['an id 0', [1, 0]],
    ['a negative id', [-4]],
    ['a fractional id', [3.25]],
    ['an unsafe id', [2 ** 53 + 2]],
  ])('GetSummaries refuses %s', async (_what, productIds) => {
    const f = await open();
    const e = await rejectionOf(f.handlers.getSummaries({ productIds }, f.ctx()), Code.InvalidArgument);
    expect(e.details).toEqual({ field: 'product_ids' });
  });

  it(`GetSummaries takes ${MAX_SUMMARY_IDS} ids, and repeats count toward the bound`, async () => {
    const f = await open();
    expect((await f.handlers.getSummaries({ productIds: ids(MAX_SUMMARY_IDS) }, f.ctx())).summaries).toHaveLength(MAX_SUMMARY_IDS);
    await rejectionOf(f.handlers.getSummaries({ productIds: Array(MAX_SUMMARY_IDS + 1).fill(7) }, f.ctx()), Code.InvalidArgument);
  });
});
