// One reply service over a fresh database of the given kind, and the order service as this
// fixture plays it: GetOrder answered from an in-memory map by the contract (an order of another
// user, or none, is NotFound naming id), recording every call it served. The real order service
// stands behind the reply service in test/reply-order.test.ts.
import { afterAll } from 'vitest';
import { createCache } from '#kit/cache';
import { ManualClock, systemClock } from '#kit/clock';
import { Code, SurgeError } from '#kit/errors';
import { createIdGenerator } from '#kit/ids';
import type { CallContext, Client } from '#kit/rpc';
import type { ServiceDatabase } from '#kit/store';
import { contractPart, inProcessClient, testCallContext, type TestDatabaseKind } from '#kit/testing';
import { OrderServiceDefinition, type Order } from '#gen/surge/order/v1/order';
import type { CreateReviewRequest } from '#gen/surge/reply/v1/reply';
import { defineReplyService, DEFAULT_BLOCKED_WORDS, purchaseBook, replyMigrations, ReplyServiceDefinition, type ReplyDB, type ReplyService } from '../index.js';

/** The one method of the order contract the reply service calls, under the contract's own name. */
const OrderLookupDefinition = contractPart(OrderServiceDefinition, ['getOrder']);

/** One GetOrder call as the stand-in served it. */
export interface OrderCall {
  userId: number;
  id: number;
  /** The x-request-id it carried: the reply service's caller's, when it passed its context on. */
  requestId: string | undefined;
  deadline: number | undefined;
}

export interface ReplyFixtureOptions {
  /** reply.blockedWords; default the configured default. */
  blockedWords?: readonly string[];
}

export interface ReplyFixture {
  /** A client through the in-process transport with its codec check: requests and replies are encoded as on the wire. */
  svc: Client<typeof ReplyServiceDefinition>;
  /** The handlers themselves, for inputs the wire cannot carry (fractions in an int64). */
  handlers: ReplyService;
  /** A call context as a caller's would be. */
  ctx(): CallContext;
  db: ServiceDatabase<ReplyDB>;
  clock: ManualClock;
  /** The orders the stand-in knows, by id. */
  orders: Map<number, Order>;
  /** Adds (or replaces) an order the stand-in knows: completed unless told, one line per product. */
  putOrder(id: number, userId: number, productIds: readonly number[], status?: string): Order;
  /** Every GetOrder call the stand-in served, in order. */
  orderCalls: OrderCall[];
}

/** A CreateReview request: a good one for (user, order, product) with any field replaced. */
export const reviewRequest = (userId: number, orderId: number, productId: number, fields: Partial<CreateReviewRequest> = {}): CreateReviewRequest => ({
  userId,
  orderId,
  productId,
  rating: 5,
  content: 'fits well, arrived fast',
  imageUrls: [],
  ...fields,
});

/**
 * For one describe block: a function opening a fresh fixture on `kind`; the kind's databases are
 * closed and dropped after the block's tests.
 */
export function replyFixturesOn(kind: TestDatabaseKind): (o?: ReplyFixtureOptions) => Promise<ReplyFixture> {
  afterAll(() => kind.cleanup());
  return (o) => openReplyFixture(kind, o);
}

export async function openReplyFixture(kind: TestDatabaseKind, o: ReplyFixtureOptions = {}): Promise<ReplyFixture> {
  const db = await kind.open<ReplyDB>('reply', replyMigrations);
  const clock = new ManualClock(Date.UTC(2025, 0, 1));
  const orders = new Map<number, Order>();
  const orderCalls: OrderCall[] = [];

  const orderClient = inProcessClient(OrderLookupDefinition, {
    async getOrder(req, ctx) {
      orderCalls.push({ userId: req.userId, id: req.id, requestId: ctx.metadata['x-request-id'], deadline: ctx.deadline });
      const order = orders.get(req.id);
      // As the order service answers: another user's order reads as none.
      if (!order || order.userId !== req.userId) throw new SurgeError(Code.NotFound, 'id: no such order', { details: { field: 'id', resource: 'order' } });
      return order;
    },
  });

  const handlers = defineReplyService({
    db,
    cache: createCache({ name: 'reply', local: { maxEntries: 10_000, ttlMs: 60_000 }, clock: systemClock }),
    clock,
    // Ids on the real clock: the manual one stands still, and a burst would wait for it.
    ids: createIdGenerator({ workerId: 1, clock: systemClock }),
    purchases: purchaseBook(orderClient),
    blockedWords: o.blockedWords ?? DEFAULT_BLOCKED_WORDS,
  });

  return {
    svc: inProcessClient(ReplyServiceDefinition, handlers),
    handlers,
    ctx: testCallContext,
    db,
    clock,
    orders,
    orderCalls,
    putOrder(id, userId, productIds, status = 'completed') {
      const order: Order = {
        id,
        userId,
        status,
        items: productIds.map((productId) => ({ productId, name: `product ${productId}`, imageUrl: '', priceCents: 1000, quantity: 1 })),
        totalCents: 1000 * productIds.length,
        address: undefined,
        createdAt: Date.UTC(2024, 11, 1),
        paidAt: status === 'unpaid' || status === 'cancelled' ? 0 : Date.UTC(2024, 11, 1, 0, 5),
        cancelReason: status === 'cancelled' ? 'buyer' : '',
        paymentId: status === 'unpaid' || status === 'cancelled' ? '' : `pay-${id}`,
      };
      orders.set(id, order);
      return order;
    },
  };
}
