// Orders through the real product and cart modules (embedded: SQLite, in-process transport):
// the saga 'order.create' reserves stock and writes the order; refusals compensate; idempotency
// keys make one order; cancels, payment timeouts and payments settle the stock exactly once,
// proved by counting the product's stock after each step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { rejectionOf } from '#kit/testing';
import type { Order } from '#gen/surge/order/v1/order';
import { startMall, type MallFixture } from './testing/fixture.js';

let mall: MallFixture;
let nextUser = 1000;
const user = () => ++nextUser;

beforeAll(async () => {
  mall = await startMall();
}, 60_000);
afterAll(() => mall?.close());

describe('CreateOrder', () => {
  it('places an unpaid order with the reserved names and prices, the total in cents and the address as it was; the stock is taken', async () => {
    const a = await mall.product(10, 1999);
    const b = await mall.product(5, 250);
    const buyer = user();
    const address = await mall.address(buyer);
    const order = await mall.orders.createOrder({ userId: buyer, addressId: address.id, items: [{ productId: a.id, quantity: 3 }, { productId: b.id, quantity: 2 }], fromCart: false, idempotencyKey: '' });
    expect(order).toMatchObject({ userId: buyer, status: 'unpaid', totalCents: 3 * 1999 + 2 * 250, paidAt: 0, cancelReason: '', paymentId: '' });
    expect(order.items).toEqual([
      { productId: a.id, name: a.name, imageUrl: a.imageUrls[0], priceCents: 1999, quantity: 3 },
      { productId: b.id, name: b.name, imageUrl: b.imageUrls[0], priceCents: 250, quantity: 2 },
    ]);
    expect(order.address).toEqual({ name: address.name, phone: address.phone, province: address.province, city: address.city, district: address.district, detail: address.detail });
    expect([await mall.stockOf(a.id), await mall.stockOf(b.id)]).toEqual([7, 3]);
    // The order keeps its copy of the address and its prices.
    await mall.updateAddress({ userId: buyer, id: address.id, detail: 'elsewhere' });
    await mall.updateProduct({ id: a.id, priceCents: 1 });
    expect(await mall.orders.getOrder({ userId: buyer, id: order.id })).toEqual(order);
  });

  it('out of stock: refused with FailedPrecondition, nothing reserved (the other line neither), no order', async () => {
    const plenty = await mall.product(10);
    const scarce = await mall.product(1);
    const buyer = user();
    const address = await mall.address(buyer);
    const refusal = await rejectionOf(
      mall.orders.createOrder({ userId: buyer, addressId: address.id, items: [{ productId: plenty.id, quantity: 2 }, { productId: scarce.id, quantity: 2 }], fromCart: false, idempotencyKey: '' }),
      Code.FailedPrecondition,
    );
    // The product service's words, naming the product that fell short.
    expect(refusal.message).toContain(`product ${scarce.id}`);
    expect([await mall.stockOf(plenty.id), await mall.stockOf(scarce.id)]).toEqual([10, 1]);
    expect((await mall.orders.listOrders({ userId: buyer, status: '', cursor: '', limit: 0 })).orders).toEqual([]);
  });

  it('concurrent orders for the last units never oversell: exactly the stock succeeds, the rest is refused', async () => {
    const last = await mall.product(3);
    const buyers = Array.from({ length: 8 }, user);
    const addresses = await Promise.all(buyers.map((b) => mall.address(b)));
    const results = await Promise.allSettled(buyers.map((b, i) => mall.orders.createOrder({ userId: b, addressId: addresses[i]!.id, items: [{ productId: last.id, quantity: 1 }], fromCart: false, idempotencyKey: '' })));
    const placed = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(placed).toHaveLength(3);
    expect(refused.map((r) => r.reason.code)).toEqual(Array(5).fill(Code.FailedPrecondition));
    expect(await mall.stockOf(last.id)).toBe(0);
  });

  it('the same idempotency key twice, and five times at once, makes one order; another user with that key gets their own', async () => {
    const p = await mall.product(100);
    const buyer = user();
    const address = await mall.address(buyer);
    const ask = (userId: number, addressId: number, key: string) => mall.orders.createOrder({ userId, addressId, items: [{ productId: p.id, quantity: 2 }], fromCart: false, idempotencyKey: key });
    const first = await ask(buyer, address.id, 'key-1');
    expect(await ask(buyer, address.id, 'key-1')).toEqual(first);
    const together = await Promise.all(Array.from({ length: 5 }, () => ask(buyer, address.id, 'key-2')));
    expect(new Set(together.map((o) => o.id)).size).toBe(1);
    expect(together[0]!.id).not.toBe(first.id);
    // Keys compare exactly: another case is another key.
    const third = await ask(buyer, address.id, 'KEY-1');
    expect(third.id).not.toBe(first.id);
    const other = user();
    const otherOrder = await ask(other, (await mall.address(other)).id, 'key-1');
    expect(otherOrder.id).not.toBe(first.id);
    expect((await mall.orders.listOrders({ userId: buyer, status: '', cursor: '', limit: 0 })).orders).toHaveLength(3);
    expect(await mall.stockOf(p.id)).toBe(100 - 4 * 2);
  });

  it('a key whose order was refused answers the same refusal, and reserves nothing later', async () => {
    const p = await mall.product(1);
    const buyer = user();
    const address = await mall.address(buyer);
    const ask = () => mall.orders.createOrder({ userId: buyer, addressId: address.id, items: [{ productId: p.id, quantity: 2 }], fromCart: false, idempotencyKey: 'once' });
    const first = await rejectionOf(ask(), Code.FailedPrecondition);
    await mall.updateProduct({ id: p.id, stock: 10 });
    const again = await rejectionOf(ask(), Code.FailedPrecondition);
    expect(again.message).toBe(first.message);
    // The details too (the product the refusal names), not only the words.
    expect(first.details).toBeDefined();
    expect(again.details).toEqual(first.details);
    expect(await mall.stockOf(p.id)).toBe(10);
  });

  it('a key repeated after its address was deleted, or from an emptied cart, answers the same order', async () => {
    const p = await mall.product(10);
    const buyer = user();
    const address = await mall.address(buyer);
    const ask = (key: string, fromCart = false) =>
      mall.orders.createOrder({ userId: buyer, addressId: address.id, items: fromCart ? [] : [{ productId: p.id, quantity: 1 }], fromCart, idempotencyKey: key });
    await mall.cart.setItem({ userId: buyer, productId: p.id, quantity: 2, checked: true });
    const fromCart = await ask('cart-key', true);
    expect(await ask('cart-key', true)).toEqual(fromCart);
    const first = await ask('address-key');
    await mall.orders.deleteAddress({ userId: buyer, id: address.id });
    expect(await ask('address-key')).toEqual(first);
    expect((await rejectionOf(ask('fresh-key'), Code.NotFound)).details).toMatchObject({ field: 'address_id' });
    expect(await mall.stockOf(p.id)).toBe(10 - 2 - 1);
  });

  it('from_cart orders the checked lines and removes them from the cart; an empty cart is refused', async () => {
    const a = await mall.product(10);
    const b = await mall.product(10);
    const c = await mall.product(10);
    const buyer = user();
    const address = await mall.address(buyer);
    await mall.cart.setItem({ userId: buyer, productId: a.id, quantity: 2, checked: true });
    await mall.cart.setItem({ userId: buyer, productId: b.id, quantity: 1, checked: true });
    await mall.cart.setItem({ userId: buyer, productId: c.id, quantity: 4, checked: false });
    const order = await mall.orders.createOrder({ userId: buyer, addressId: address.id, items: [], fromCart: true, idempotencyKey: '' });
    expect(order.items.map((i) => [i.productId, i.quantity]).sort()).toEqual([[a.id, 2], [b.id, 1]].sort());
    expect(order.totalCents).toBe(3 * 1000);
    const left = await mall.cart.getCart({ userId: buyer, checkedOnly: false });
    expect(left.lines.map((l) => l.item!.productId)).toEqual([c.id]);
    const refusal = await rejectionOf(mall.orders.createOrder({ userId: buyer, addressId: address.id, items: [], fromCart: true, idempotencyKey: '' }), Code.FailedPrecondition);
    expect(refusal.details).toMatchObject({ field: 'from_cart' });
    expect(await mall.stockOf(c.id)).toBe(10);
  });

  it("another user's address is not found, and nothing is reserved", async () => {
    const p = await mall.product(5);
    const owner = user();
    const address = await mall.address(owner);
    const refusal = await rejectionOf(mall.orders.createOrder({ userId: user(), addressId: address.id, items: [{ productId: p.id, quantity: 1 }], fromCart: false, idempotencyKey: '' }), Code.NotFound);
    expect(refusal.details).toMatchObject({ field: 'address_id' });
    expect(await mall.stockOf(p.id)).toBe(5);
  });
});

describe('reading orders', () => {
  it("another user's order is not found, for reading and for every change the buyer makes", async () => {
    const p = await mall.product(5);
    const order = await mall.order(user(), p.id);
    const stranger = user();
    await rejectionOf(mall.orders.getOrder({ userId: stranger, id: order.id }), Code.NotFound);
    await rejectionOf(mall.orders.cancelOrder({ userId: stranger, id: order.id }), Code.NotFound);
    await rejectionOf(mall.orders.confirmReceipt({ userId: stranger, id: order.id }), Code.NotFound);
    expect((await mall.orders.getOrder({ userId: order.userId, id: order.id })).status).toBe('unpaid');
    expect(await mall.stockOf(p.id)).toBe(4);
  });

  it('lists newest first, a page at a time with an opaque cursor, all or of one status', async () => {
    const p = await mall.product(100);
    const buyer = user();
    const placed: Order[] = [];
    for (let i = 0; i < 5; i++) placed.push(await mall.order(buyer, p.id));
    await mall.orders.cancelOrder({ userId: buyer, id: placed[1]!.id });
    const seen: number[] = [];
    let cursor = '';
    for (let page = 0; page < 5; page++) {
      const reply = await mall.orders.listOrders({ userId: buyer, status: '', cursor, limit: 2 });
      seen.push(...reply.orders.map((o) => o.id));
      if (reply.isEnd) {
        expect(reply.nextCursor).toBe('');
        break;
      }
      cursor = reply.nextCursor;
    }
    expect(seen).toEqual(placed.map((o) => o.id).reverse());
    const cancelled = await mall.orders.listOrders({ userId: buyer, status: 'cancelled', cursor: '', limit: 10 });
    expect(cancelled).toMatchObject({ isEnd: true, nextCursor: '' });
    expect(cancelled.orders.map((o) => [o.id, o.cancelReason])).toEqual([[placed[1]!.id, 'buyer']]);
    expect((await mall.orders.listOrders({ userId: buyer, status: 'unpaid', cursor: '', limit: 0 })).orders).toHaveLength(4);
  });
});

describe('status changes', () => {
  it('cancel returns the stock once: a second cancel is refused naming the status, and the stock stays', async () => {
    const p = await mall.product(10);
    const order = await mall.order(user(), p.id, 3);
    expect(await mall.stockOf(p.id)).toBe(7);
    const cancelled = await mall.orders.cancelOrder({ userId: order.userId, id: order.id });
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: 'buyer' });
    expect(await mall.stockOf(p.id)).toBe(10);
    const again = await rejectionOf(mall.orders.cancelOrder({ userId: order.userId, id: order.id }), Code.FailedPrecondition);
    expect(again.message).toMatch(/cancelled/);
    expect(again.details).toMatchObject({ status: 'cancelled' });
    expect(await mall.stockOf(p.id)).toBe(10);
  });

  it('concurrent cancels: one wins, the others are refused, the stock comes back once', async () => {
    const p = await mall.product(10);
    const order = await mall.order(user(), p.id, 4);
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => mall.orders.cancelOrder({ userId: order.userId, id: order.id })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await mall.stockOf(p.id)).toBe(10);
  });

  it('the machine: paid → shipped → completed, paid → refunded; every other step refused with FailedPrecondition naming the current status', async () => {
    const p = await mall.product(10);
    const order = await mall.order(user(), p.id);
    const who = { userId: order.userId, id: order.id };
    const refusedWith = async (call: Promise<unknown>, status: string) => expect((await rejectionOf(call, Code.FailedPrecondition)).details).toMatchObject({ field: 'status', status });

    await refusedWith(mall.orders.shipOrder({ id: order.id }), 'unpaid');
    await refusedWith(mall.orders.confirmReceipt(who), 'unpaid');
    await refusedWith(mall.orders.markRefunded({ orderId: order.id }), 'unpaid');
    expect((await mall.orders.markPaid({ orderId: order.id, paymentId: 'pay-1', amountCents: order.totalCents })).outcome).toBe('paid');
    await refusedWith(mall.orders.cancelOrder(who), 'paid');
    await refusedWith(mall.orders.confirmReceipt(who), 'paid');
    // Concurrent shipping: exactly one changes it.
    const ships = await Promise.allSettled(Array.from({ length: 4 }, () => mall.orders.shipOrder({ id: order.id })));
    expect(ships.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    await refusedWith(mall.orders.markRefunded({ orderId: order.id }), 'shipped');
    expect(await mall.orders.confirmReceipt(who)).toMatchObject({ status: 'completed' });
    await refusedWith(mall.orders.confirmReceipt(who), 'completed');
    await refusedWith(mall.orders.cancelOrder(who), 'completed');

    const second = await mall.order(user(), p.id);
    await mall.orders.markPaid({ orderId: second.id, paymentId: 'pay-2', amountCents: second.totalCents });
    expect(await mall.orders.markRefunded({ orderId: second.id })).toMatchObject({ status: 'refunded' });
    await refusedWith(mall.orders.markRefunded({ orderId: second.id }), 'refunded');
    await refusedWith(mall.orders.shipOrder({ id: second.id }), 'refunded');
    // Paid, shipped and refunded orders keep their stock taken.
    expect(await mall.stockOf(p.id)).toBe(8);
  });

  it('MarkPaid: a wrong amount leaves it unpaid; the total pays it once (paid_at, payment id); again answers already_paid; at once, one payment wins', async () => {
    const p = await mall.product(10, 1234);
    const order = await mall.order(user(), p.id, 2);
    const mismatch = await mall.orders.markPaid({ orderId: order.id, paymentId: 'pay-a', amountCents: order.totalCents - 1 });
    expect(mismatch).toMatchObject({ outcome: 'amount_mismatch', order: { status: 'unpaid', paidAt: 0 } });
    const paid = await mall.orders.markPaid({ orderId: order.id, paymentId: 'pay-a', amountCents: 2468 });
    expect(paid.outcome).toBe('paid');
    expect(paid.order).toMatchObject({ status: 'paid', paymentId: 'pay-a' });
    expect(paid.order!.paidAt).toBeGreaterThan(0);
    expect(await mall.orders.markPaid({ orderId: order.id, paymentId: 'pay-b', amountCents: 2468 })).toMatchObject({ outcome: 'already_paid', order: { paymentId: 'pay-a' } });

    const raced = await mall.order(user(), p.id);
    const outcomes = await Promise.all(Array.from({ length: 6 }, (_, i) => mall.orders.markPaid({ orderId: raced.id, paymentId: `pay-${i}`, amountCents: raced.totalCents })));
    expect(outcomes.filter((r) => r.outcome === 'paid')).toHaveLength(1);
    expect(outcomes.filter((r) => r.outcome === 'already_paid')).toHaveLength(5);
    const winner = outcomes.find((r) => r.outcome === 'paid')!.order!.paymentId;
    expect((await mall.orders.getOrder({ userId: raced.userId, id: raced.id })).paymentId).toBe(winner);

    await rejectionOf(mall.orders.markPaid({ orderId: 999_999_999, paymentId: 'x', amountCents: 1 }), Code.NotFound);
  });

  it('MarkPaid of a cancelled order answers "cancelled" (the payer refunds) and the order stays cancelled, its stock back once', async () => {
    const p = await mall.product(10);
    const order = await mall.order(user(), p.id, 2);
    await mall.orders.cancelOrder({ userId: order.userId, id: order.id });
    const reply = await mall.orders.markPaid({ orderId: order.id, paymentId: 'late', amountCents: order.totalCents });
    expect(reply).toMatchObject({ outcome: 'cancelled', order: { status: 'cancelled', paidAt: 0, paymentId: '' } });
    expect(await mall.stockOf(p.id)).toBe(10);
  });
});
