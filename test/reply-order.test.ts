// Reviews beside the real order, product and cart modules, hosted together by the all-in-one
// process (startSystem with the modules given, as services/order/testing/fixture.ts hosts the
// mall): the reply service asks the order module through the client its module declared, over
// the in-process transport with the codec check. An order is placed and taken through paid
// (MarkPaid), shipped (ShipOrder) and completed (ConfirmReceipt); only then may its buyer review
// it. Embedded (SQLite), and on MariaDB + Redis (required in CI, skipped elsewhere naming them).
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, startSystem, type Config, type System } from '#app';
import { Code } from '#kit/errors';
import { createLogger } from '#kit/observability';
import { connectRedis, redisReady } from '#kit/redis';
import { loadEntry, type ServiceEntry } from '#kit/service';
import { dropDatabases, dropRedisKeys, rejectionOf, requireServer, servers } from '#kit/testing';
import { OrderServiceDefinition, type Order } from '#gen/surge/order/v1/order';
import { ProductServiceDefinition, type Product } from '#gen/surge/product/v1/product';
import { ReplyServiceDefinition, type CreateReviewRequest } from '#gen/surge/reply/v1/reply';
import { cartEntry } from '../services/cart/entry.js';
import { orderEntry } from '../services/order/entry.js';
import { productEntry } from '../services/product/entry.js';
import { replyEntry } from '../services/reply/entry.js';
import { seckillEntry } from '../services/seckill/entry.js';

const onServers = (await requireServer(servers.mariadb)) && (await requireServer(servers.redis));
// seckill because the order module calls it (the process's check wants every callee hosted).
const entries: ServiceEntry[] = [productEntry, cartEntry, orderEntry, seckillEntry, replyEntry];

/** Each hosted service's section: its schema's defaults and the test's values (the list of services may not name reply yet). */
const sections = (given: Record<string, Record<string, unknown>>) =>
  Object.fromEntries(entries.map((e) => [e.name, { ...(Value.Default(e.config!, {}) as object), ...given[e.name] }]));

for (const mode of ['embedded', 'servers'] as const) {
  describe.skipIf(mode === 'servers' && !onServers)(`reviews of real orders (${mode})`, () => {
    let system: System;
    let dir: string;
    const tag = `rep${randomBytes(4).toString('hex')}`;
    let seq = 0;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'surge-reply-order-'));
      const overrides: Record<string, unknown> = {
        dataDir: dir,
        'log.level': 'silent',
        'rpc.codecCheck': true,
        // Given, so the start neither writes a secrets file nor checks the config again.
        'auth.jwtSecret': 'reply-order-'.padEnd(40, 'x'),
        'auth.fieldKey': Buffer.alloc(32, 5).toString('base64'),
      };
      if (mode === 'servers') {
        Object.assign(overrides, {
          'database.driver': 'mysql',
          'database.mysql.databasePrefix': `surgetest_${tag}`,
          'cache.driver': 'redis',
          'cache.redis.keyPrefix': `surgetest:${tag}:`,
        });
      }
      const loaded = loadConfig({ env: {}, overrides });
      const config = { ...loaded, ...sections({ product: { demoData: false }, seckill: { demoSale: false }, reply: { blockedWords: ['fake'] } }) } as unknown as Config;
      system = await startSystem(config, { logger: createLogger({ level: 'silent' }), listen: false, modules: await Promise.all(entries.map(loadEntry)) });
    }, 120_000);

    afterAll(async () => {
      await system?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
      if (mode === 'servers') {
        await dropDatabases(`surgetest_${tag}`);
        const redis = connectRedis({ host: servers.redis.host, port: servers.redis.port, name: 'reply-test-cleanup' });
        await redisReady(redis);
        await dropRedisKeys(redis, `surgetest:${tag}:`);
        await redis.quit();
      }
    });

    const orders = () => system.client(OrderServiceDefinition);
    const reviews = () => system.client(ReplyServiceDefinition);

    /** A product on sale in a fresh category, with stock. */
    async function product(): Promise<Product> {
      seq += 1;
      const products = system.client(ProductServiceDefinition);
      const category = await products.createCategory({ name: `r${seq}-${randomBytes(2).toString('hex')}`, parentId: 0, sort: 0 });
      return products.createProduct({ name: `reviewed ${seq}`, categoryId: category.id, priceCents: 1500, stock: 20, subtitle: '', detail: '', imageUrls: [] });
    }

    /** An unpaid order of one of each product, at a fresh address of the buyer. */
    async function order(buyer: number, productIds: number[]): Promise<Order> {
      const address = await orders().addAddress({ userId: buyer, name: 'Li Lei', phone: '13800138000', province: 'Zhejiang', city: 'Hangzhou', district: 'Xihu', detail: '1 Wensan Road', isDefault: false });
      return orders().createOrder({ userId: buyer, addressId: address.id, items: productIds.map((productId) => ({ productId, quantity: 1 })), fromCart: false, idempotencyKey: '' });
    }

    const review = (userId: number, orderId: number, productId: number, fields: Partial<CreateReviewRequest> = {}): CreateReviewRequest => ({
      userId,
      orderId,
      productId,
      rating: 5,
      content: 'as described',
      imageUrls: [],
      ...fields,
    });

    it('an order is reviewable once completed (paid → shipped → completed), by its buyer, once per product', async () => {
      const [a, b, other] = [await product(), await product(), await product()];
      const buyer = 9001;
      const placed = await order(buyer, [a.id, b.id]);
      expect(placed.status).toBe('unpaid');

      const refusedAt = async (status: string) => {
        const e = await rejectionOf(reviews().createReview(review(buyer, placed.id, a.id)), Code.FailedPrecondition);
        expect(e.details).toEqual({ field: 'status', status });
      };
      await refusedAt('unpaid');
      expect(await orders().markPaid({ orderId: placed.id, paymentId: `pay-${tag}-1`, amountCents: placed.totalCents })).toMatchObject({ outcome: 'paid' });
      await refusedAt('paid');
      expect(await orders().shipOrder({ id: placed.id })).toMatchObject({ status: 'shipped' });
      await refusedAt('shipped');
      expect(await orders().confirmReceipt({ userId: buyer, id: placed.id })).toMatchObject({ status: 'completed' });

      // Another user cannot review the buyer's order; a product the order lacks is refused.
      expect((await rejectionOf(reviews().createReview(review(buyer + 1, placed.id, a.id)), Code.NotFound)).details).toMatchObject({ field: 'order_id' });
      expect((await rejectionOf(reviews().createReview(review(buyer, placed.id, other.id)), Code.InvalidArgument)).details).toEqual({ field: 'product_id' });
      expect((await rejectionOf(reviews().createReview(review(buyer, 9_007_199_254_740_000, a.id)), Code.NotFound)).details).toMatchObject({ field: 'order_id' });

      const first = await reviews().createReview(review(buyer, placed.id, a.id, { rating: 4, content: 'not a FAKE at all', imageUrls: ['https://img.example/r.jpg'] }));
      expect(first).toMatchObject({ orderId: placed.id, productId: a.id, userId: buyer, rating: 4, content: 'not a **** at all', imageUrls: ['https://img.example/r.jpg'] });
      await reviews().createReview(review(buyer, placed.id, b.id, { rating: 2 }));
      expect((await rejectionOf(reviews().createReview(review(buyer, placed.id, a.id)), Code.AlreadyExists)).details).toEqual({ field: 'product_id' });

      expect(await reviews().listReviews({ productId: a.id, cursor: '', limit: 0 })).toEqual({ reviews: [first], nextCursor: '', isEnd: true });
      expect((await reviews().getSummaries({ productIds: [a.id, b.id, other.id] })).summaries).toEqual([
        { productId: a.id, count: 1, ratingSum: 4, averageRating: 4 },
        { productId: b.id, count: 1, ratingSum: 2, averageRating: 2 },
        { productId: other.id, count: 0, ratingSum: 0, averageRating: 0 },
      ]);
    }, 60_000);

    it('a cancelled order is never reviewable', async () => {
      const a = await product();
      const buyer = 9101;
      const placed = await order(buyer, [a.id]);
      await orders().cancelOrder({ userId: buyer, id: placed.id });
      const e = await rejectionOf(reviews().createReview(review(buyer, placed.id, a.id)), Code.FailedPrecondition);
      expect(e.details).toEqual({ field: 'status', status: 'cancelled' });
      expect((await reviews().getSummaries({ productIds: [a.id] })).summaries[0]).toMatchObject({ count: 0 });
    }, 60_000);

    it('the buyers of 20 completed orders review one product at once: count 20, the exact sum', async () => {
      const a = await product();
      const buyers = Array.from({ length: 20 }, (_, i) => 9200 + i);
      const completed = await Promise.all(
        buyers.map(async (buyer, i) => {
          const placed = await order(buyer, [a.id]);
          await orders().markPaid({ orderId: placed.id, paymentId: `pay-${tag}-c${i}`, amountCents: placed.totalCents });
          await orders().shipOrder({ id: placed.id });
          return orders().confirmReceipt({ userId: buyer, id: placed.id });
        }),
      );
      const ratings = buyers.map((_, i) => (i % 5) + 1);
      await Promise.all(completed.map((o, i) => reviews().createReview(review(o.userId, o.id, a.id, { rating: ratings[i]! }))));
      expect((await reviews().getSummaries({ productIds: [a.id] })).summaries).toEqual([{ productId: a.id, count: 20, ratingSum: 60, averageRating: 3 }]);
      const page = await reviews().listReviews({ productId: a.id, cursor: '', limit: 50 });
      expect(page.reviews).toHaveLength(20);
      expect(new Set(page.reviews.map((r) => r.orderId))).toEqual(new Set(completed.map((o) => o.id)));
    }, 120_000);
  });
}
