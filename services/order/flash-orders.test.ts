// Flash-sale orders (CreateFlashOrders) through the hosted mall, embedded: one order per ticket
// however often and however together it is sent, refusals for addresses that are not the
// buyer's, and the way back: a cancelled or timed-out flash order's ticket goes to the sale (the
// in-memory ReleaseTicket, exactly once per ticket as the real one), never to the product. Proved
// by counting orders, releases, and the product service's ReleaseStock calls and stock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlashOrder } from '#gen/surge/order/v1/order';
import type { Product } from '#gen/surge/product/v1/product';
import { startMall, type MallFixture } from './testing/fixture.js';

const SALE = 9001;
const SALE_PRICE = 799;
let nextTicket = 1;
let nextUser = 3000;
const user = () => ++nextUser;

/** A reserved ticket of SALE for one unit of the product at the sale price, reserved a second ago. */
const ticketOf = (userId: number, addressId: number, product: Product, over: Partial<FlashOrder> = {}): FlashOrder => ({
  ticketId: nextTicket++,
  saleId: SALE,
  userId,
  addressId,
  productId: product.id,
  name: product.name,
  imageUrl: product.imageUrls[0] ?? '',
  priceCents: SALE_PRICE,
  quantity: 1,
  reservedAt: Date.now() - 1000,
  ...over,
});

const ordersOf = async (mall: MallFixture, userId: number) => (await mall.orders.listOrders({ userId, status: '', cursor: '', limit: 50 })).orders;

describe('CreateFlashOrders', () => {
  let mall: MallFixture;
  beforeAll(async () => {
    mall = await startMall();
  }, 60_000);
  afterAll(() => mall?.close());

  it('makes one unpaid order per ticket: the sale price, the total, created at the reservation, the address as it was; answers in request order; takes no stock', async () => {
    const product = await mall.product(10, 1999);
    const [a, b] = [user(), user()];
    const [addrA, addrB] = [await mall.address(a), await mall.address(b)];
    const tickets = [
      ticketOf(a, addrA.id, product, { quantity: 2, reservedAt: 1_700_000_000_000 }),
      ticketOf(b, addrB.id, product, { quantity: 3, imageUrl: '' }),
      ticketOf(a, addrA.id, product, { priceCents: 100_000_000, quantity: 999 }),
    ];
    const { results } = await mall.orders.createFlashOrders({ orders: tickets });
    expect(results.map((r) => [r.ticketId, r.refusal])).toEqual(tickets.map((t) => [t.ticketId, '']));
    expect(new Set(results.map((r) => r.orderId)).size).toBe(3);

    const first = await mall.orders.getOrder({ userId: a, id: results[0]!.orderId });
    expect(first).toMatchObject({ userId: a, status: 'unpaid', totalCents: 2 * SALE_PRICE, createdAt: 1_700_000_000_000, paidAt: 0, cancelReason: '', paymentId: '' });
    expect(first.items).toEqual([{ productId: product.id, name: product.name, imageUrl: product.imageUrls[0], priceCents: SALE_PRICE, quantity: 2 }]);
    expect(first.address).toEqual({ name: addrA.name, phone: addrA.phone, province: addrA.province, city: addrA.city, district: addrA.district, detail: addrA.detail });
    expect(await mall.orders.getOrder({ userId: b, id: results[1]!.orderId })).toMatchObject({ totalCents: 3 * SALE_PRICE, items: [{ imageUrl: '', quantity: 3 }] });
    expect((await mall.orders.getOrder({ userId: a, id: results[2]!.orderId })).totalCents).toBe(99_900_000_000);
    expect((await ordersOf(mall, a)).map((o) => o.id).sort()).toEqual([results[0]!.orderId, results[2]!.orderId].sort());

    // The sale's units were taken from the product when the sale was made, not here.
    expect(await mall.stockOf(product.id)).toBe(10);
    // The order keeps its copy of the address.
    await mall.updateAddress({ userId: a, id: addrA.id, detail: 'elsewhere' });
    expect((await mall.orders.getOrder({ userId: a, id: first.id })).address).toEqual(first.address);
  });

  it('a repeated batch, a ticket repeated inside a batch, and batches sent together never make an order twice', async () => {
    const product = await mall.product(10);
    const buyers = [user(), user(), user()];
    const addresses = await Promise.all(buyers.map((u) => mall.address(u)));
    const [t1, t2, t3, t4] = [0, 1, 2, 0].map((i) => ticketOf(buyers[i]!, addresses[i]!.id, product));
    const once = (await mall.orders.createFlashOrders({ orders: [t1!, t2!] })).results;

    const again = (await mall.orders.createFlashOrders({ orders: [t2!, t1!, t3!, t3!] })).results;
    expect(again.map((r) => r.ticketId)).toEqual([t2!.ticketId, t1!.ticketId, t3!.ticketId, t3!.ticketId]);
    expect(again.slice(0, 2).map((r) => r.orderId)).toEqual([once[1]!.orderId, once[0]!.orderId]);
    expect(again[3]!.orderId).toBe(again[2]!.orderId);

    const together = await Promise.all(Array.from({ length: 6 }, (_, i) => mall.orders.createFlashOrders({ orders: i % 2 ? [t4!, t3!] : [t3!, t4!, t1!] })));
    const orderOf = new Map<number, Set<number>>();
    for (const { results } of together) for (const r of results) orderOf.set(r.ticketId, (orderOf.get(r.ticketId) ?? new Set()).add(r.orderId));
    expect([...orderOf.values()].map((ids) => ids.size)).toEqual([1, 1, 1]);
    expect([...orderOf.get(t1!.ticketId)!]).toEqual([once[0]!.orderId]);

    // Counted where they live: one order per ticket of each buyer.
    expect((await ordersOf(mall, buyers[0]!)).length).toBe(2); // t1 and t4
    expect((await ordersOf(mall, buyers[1]!)).length).toBe(1);
    expect((await ordersOf(mall, buyers[2]!)).length).toBe(1);
  });

  it('refuses "no_address" for a deleted address, another user\'s and an unknown one, with no order; the rest of the batch is ordered', async () => {
    const product = await mall.product(10);
    const [a, b] = [user(), user()];
    const addrA = await mall.address(a, true);
    const spare = await mall.address(a);
    const addrB = await mall.address(b);
    const ordered = ticketOf(a, spare.id, product);
    const [before] = (await mall.orders.createFlashOrders({ orders: [ordered] })).results;
    await mall.orders.deleteAddress({ userId: a, id: spare.id });

    const tickets = [ticketOf(a, spare.id, product), ticketOf(a, addrB.id, product), ticketOf(a, addrB.id + 12345, product), ticketOf(a, addrA.id, product), ordered];
    const { results } = await mall.orders.createFlashOrders({ orders: tickets });
    expect(results.map((r) => [r.refusal, r.orderId === 0])).toEqual([['no_address', true], ['no_address', true], ['no_address', true], ['', false], ['', false]]);
    // A ticket that has its order answers it again, though its address is gone now.
    expect(results[4]!.orderId).toBe(before!.orderId);
    expect((await ordersOf(mall, a)).map((o) => o.id).sort()).toEqual([before!.orderId, results[3]!.orderId].sort());
    expect(await ordersOf(mall, b)).toEqual([]);
  });

  it('a ticket answers as it was first answered: refused, it stays refused when a later delivery finds the address; ordered, it stays ordered', async () => {
    const product = await mall.product(10);
    const buyer = user();
    const address = await mall.address(buyer);
    const other = await mall.address(user());
    // Two deliveries of each ticket that decide differently (an address read before or after its deletion).
    const refusedFirst = ticketOf(buyer, other.id, product);
    const [refused] = (await mall.orders.createFlashOrders({ orders: [refusedFirst] })).results;
    expect(refused).toMatchObject({ orderId: 0, refusal: 'no_address' });
    const [later] = (await mall.orders.createFlashOrders({ orders: [{ ...refusedFirst, addressId: address.id }] })).results;
    expect(later).toMatchObject({ orderId: 0, refusal: 'no_address' });

    const orderedFirst = ticketOf(buyer, address.id, product);
    const [ordered] = (await mall.orders.createFlashOrders({ orders: [orderedFirst] })).results;
    const [again] = (await mall.orders.createFlashOrders({ orders: [{ ...orderedFirst, addressId: other.id }] })).results;
    expect(again).toEqual(ordered);
    expect((await ordersOf(mall, buyer)).map((o) => o.id)).toEqual([ordered!.orderId]);
  });

  it("a buyer's cancel sends the ticket back to the sale once (\"cancelled\"), and nothing to the product", async () => {
    const product = await mall.product(10);
    const buyer = user();
    const address = await mall.address(buyer);
    const ticket = ticketOf(buyer, address.id, product, { quantity: 2 });
    const [result] = (await mall.orders.createFlashOrders({ orders: [ticket] })).results;
    const productReleases = await mall.served('ReleaseStock');
    const calls = mall.flash.calls.length;

    const cancelled = await mall.orders.cancelOrder({ userId: buyer, id: result!.orderId });
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: 'buyer' });
    expect(mall.flash.calls.slice(calls)).toEqual([{ saleId: SALE, ticketId: ticket.ticketId, reason: 'cancelled' }]);
    expect(await mall.served('ReleaseStock')).toBe(productReleases);
    expect(await mall.stockOf(product.id)).toBe(10);
    // A cancelled order is not made again for its ticket.
    expect((await mall.orders.createFlashOrders({ orders: [ticket] })).results[0]!.orderId).toBe(result!.orderId);
    expect(mall.flash.calls.length).toBe(calls + 1);
  });

  it('a normal order still goes back to the product, not to a sale', async () => {
    const product = await mall.product(10);
    const buyer = user();
    const order = await mall.order(buyer, product.id, 4);
    const productReleases = await mall.served('ReleaseStock');
    const calls = mall.flash.calls.length;
    await mall.orders.cancelOrder({ userId: buyer, id: order.id });
    expect(await mall.stockOf(product.id)).toBe(10);
    expect(await mall.served('ReleaseStock')).toBe(productReleases + 1);
    expect(mall.flash.calls.length).toBe(calls);
  });
});

describe('flash orders and the payment timeout of 1 s', () => {
  let mall: MallFixture;
  beforeAll(async () => {
    mall = await startMall({ paymentTimeoutSeconds: 1 });
  }, 60_000);
  afterAll(() => mall?.close());

  it('an unpaid flash order times out: its ticket goes back to the sale once ("timeout"), the product is not called', async () => {
    const product = await mall.product(10);
    const buyer = user();
    const address = await mall.address(buyer);
    const ticket = ticketOf(buyer, address.id, product, { reservedAt: Date.now() });
    const productReleases = await mall.served('ReleaseStock');
    const [result] = (await mall.orders.createFlashOrders({ orders: [ticket] })).results;

    expect(await mall.expiryOf(result!.orderId)).toBe('cancelled');
    expect(await mall.orders.getOrder({ userId: buyer, id: result!.orderId })).toMatchObject({ status: 'cancelled', cancelReason: 'timeout' });
    expect(mall.flash.calls.filter((c) => c.ticketId === ticket.ticketId)).toEqual([{ saleId: SALE, ticketId: ticket.ticketId, reason: 'timeout' }]);
    expect(await mall.served('ReleaseStock')).toBe(productReleases);
    expect(await mall.stockOf(product.id)).toBe(10);
  });

  it("a timeout after the buyer's cancel releases again with the buyer's reason, which the sale takes once", async () => {
    const product = await mall.product(10);
    const buyer = user();
    const address = await mall.address(buyer);
    const ticket = ticketOf(buyer, address.id, product, { reservedAt: Date.now() });
    const [result] = (await mall.orders.createFlashOrders({ orders: [ticket] })).results;
    await mall.orders.cancelOrder({ userId: buyer, id: result!.orderId });
    expect(await mall.expiryOf(result!.orderId)).toBe('released');
    expect(mall.flash.calls.filter((c) => c.ticketId === ticket.ticketId).map((c) => c.reason)).toEqual(['cancelled', 'cancelled']);
    expect(mall.flash.released().filter((r) => r.ticketId === ticket.ticketId)).toEqual([{ saleId: SALE, ticketId: ticket.ticketId, reason: 'cancelled' }]);
  });

  it('a release the seckill service does not answer is retried by the payment-timeout job until it goes through', async () => {
    const product = await mall.product(10);
    const buyer = user();
    const address = await mall.address(buyer);
    const ticket = ticketOf(buyer, address.id, product, { reservedAt: Date.now() });
    const [result] = (await mall.orders.createFlashOrders({ orders: [ticket] })).results;
    mall.flash.failNext(1);
    expect(await mall.expiryOf(result!.orderId, 15_000)).toBe('released'); // the retry finds it cancelled by the failed run
    expect(mall.flash.calls.filter((c) => c.ticketId === ticket.ticketId).map((c) => c.reason)).toEqual(['timeout', 'timeout']);
    expect(mall.flash.released().filter((r) => r.ticketId === ticket.ticketId)).toHaveLength(1);
  });

  it('a ticket reserved longer ago than the timeout is ordered, then cancelled at once', async () => {
    const product = await mall.product(10);
    const buyer = user();
    const address = await mall.address(buyer);
    const ticket = ticketOf(buyer, address.id, product, { reservedAt: Date.now() - 60_000 });
    const [result] = (await mall.orders.createFlashOrders({ orders: [ticket] })).results;
    expect(result!.orderId).toBeGreaterThan(0);
    expect(await mall.expiryOf(result!.orderId)).toBe('cancelled');
    expect(mall.flash.released().filter((r) => r.ticketId === ticket.ticketId)).toEqual([{ saleId: SALE, ticketId: ticket.ticketId, reason: 'timeout' }]);
  });
});
