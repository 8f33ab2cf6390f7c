// The order service's input rules and its page cursor, each refusal naming its field.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { refusalOf } from '#kit/testing';
import { flashGidOf, flashTicketOf } from './flash-gid.js';
import { decodeCursor, encodeCursor } from './model/cursor.js';
import { checkAmount, checkFlashOrders, checkItems, checkKey, checkPhone, checkStatusFilter, MAX_ORDER_ITEMS, MAX_QUANTITY, type FlashOrderRequest } from './rules.js';

describe('checkItems', () => {
  it('keeps 1–50 distinct products of 1–999 each, in order', () => {
    expect(checkItems([{ productId: 3, quantity: 1 }, { productId: 1, quantity: MAX_QUANTITY }])).toEqual([{ productId: 3, quantity: 1 }, { productId: 1, quantity: 999 }]);
    expect(checkItems(Array.from({ length: MAX_ORDER_ITEMS }, (_, i) => ({ productId: i + 1, quantity: 1 })))).toHaveLength(50);
  });

  it.each([
    [[], 'items'],
    [Array.from({ length: 51 }, (_, i) => ({ productId: i + 1, quantity: 1 })), 'items'],
    [[{ productId: 1, quantity: 1 }, { productId: 1, quantity: 1 }], 'items[1].product_id'],
    [[{ productId: 0, quantity: 1 }], 'items[0].product_id'],
    [[{ productId: 2 ** 53, quantity: 1 }], 'items[0].product_id'],
    [[{ productId: 1, quantity: 0 }], 'items[0].quantity'],
    [[{ productId: 1, quantity: 1.5 }], 'items[0].quantity'],
    [[{ productId: 1, quantity: 1000 }], 'items[0].quantity'],
  ])('refuses %j naming %s', (items, field) => {
    expect(refusalOf(() => checkItems(items), Code.InvalidArgument).details).toMatchObject({ field });
  });
});

describe('checkFlashOrders and the flash gid', () => {
  const good: FlashOrderRequest = { ticketId: 1, saleId: 2, userId: 3, addressId: 4, productId: 5, name: ' 手机 ', imageUrl: '/img/a.png', priceCents: 1, quantity: 1, reservedAt: 1 };

  it('keeps good tickets, the name trimmed', () => {
    expect(checkFlashOrders([good])).toEqual([{ ...good, name: '手机' }]);
  });

  // Values the wire cannot carry (fractions, NaN) reach the rules from in-process callers.
  it.each([
    [{ ticketId: 2 ** 53 }, 'orders[0].ticket_id'],
    [{ saleId: 0.5 }, 'orders[0].sale_id'],
    [{ priceCents: 9.5 }, 'orders[0].price_cents'],
    [{ quantity: Number.NaN }, 'orders[0].quantity'],
    [{ reservedAt: 1.5 }, 'orders[0].reserved_at'],
    [{ imageUrl: '/img/a b.png' }, 'orders[0].image_url'],
    [{ name: 'a\u202eb' }, 'orders[0].name'],
  ])('refuses %j naming %s', (bad, field) => {
    expect(refusalOf(() => checkFlashOrders([{ ...good, ...bad }]), Code.InvalidArgument).details).toMatchObject({ field });
  });

  it('a gid names its sale and ticket, within 64 characters; a saga gid names none; a corrupt flash gid is refused', () => {
    const largest = { saleId: Number.MAX_SAFE_INTEGER, ticketId: Number.MAX_SAFE_INTEGER };
    expect(flashGidOf(largest).length).toBeLessThanOrEqual(64);
    expect(flashTicketOf(flashGidOf(largest))).toEqual(largest);
    expect(flashTicketOf(flashGidOf({ saleId: 7, ticketId: 12 }))).toEqual({ saleId: 7, ticketId: 12 });
    expect(flashTicketOf('order-123')).toBeUndefined();
    for (const corrupt of ['seckill:7', 'seckill:7:0', 'seckill:x:1', 'seckill:7:12:1']) expect(refusalOf(() => flashTicketOf(corrupt), Code.Internal)).toBeDefined();
  });
});

describe('keys, phones, statuses, amounts', () => {
  it('a key is 1–64 printable ASCII characters; "" only where optional', () => {
    expect(checkKey('idempotency_key', '', true)).toBe('');
    expect(checkKey('idempotency_key', ' a~Z ', true)).toBe(' a~Z ');
    expect(checkKey('payment_id', 'x'.repeat(64), false)).toHaveLength(64);
    for (const bad of ['x'.repeat(65), 'naïve', 'tab\there', '\u007f']) expect(refusalOf(() => checkKey('idempotency_key', bad, true)).details).toMatchObject({ field: 'idempotency_key' });
    expect(refusalOf(() => checkKey('payment_id', '', false)).details).toMatchObject({ field: 'payment_id' });
  });

  it('a phone is 5–20 digits, spaces, + and -, trimmed', () => {
    expect(checkPhone(' +86 138-0013-8000 ')).toBe('+86 138-0013-8000');
    for (const bad of ['1234', '+- -+', '138OO138000', '1'.repeat(21)]) expect(refusalOf(() => checkPhone(bad)).details).toMatchObject({ field: 'phone' });
  });

  it('the status filter is "" or a status; an amount is positive whole cents', () => {
    expect(checkStatusFilter('')).toBeUndefined();
    expect(checkStatusFilter('refunded')).toBe('refunded');
    expect(refusalOf(() => checkStatusFilter('UNPAID')).details).toMatchObject({ field: 'status' });
    expect(checkAmount(1)).toBe(1);
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(refusalOf(() => checkAmount(bad)).details).toMatchObject({ field: 'amount_cents' });
  });
});

describe('the ListOrders cursor', () => {
  it('round-trips an id and refuses anything it did not make', () => {
    const id = 2 ** 52 + 7;
    expect(decodeCursor(encodeCursor(id))).toBe(id);
    expect(decodeCursor('')).toBeUndefined();
    const forged = ['x', Buffer.from('o.0').toString('base64url'), Buffer.from('o.01').toString('base64url'), Buffer.from('n.5').toString('base64url'), Buffer.from('o.5.6').toString('base64url'), `${encodeCursor(5)}=`, 'a'.repeat(41)];
    for (const raw of forged) expect(refusalOf(() => decodeCursor(raw), Code.InvalidArgument).details).toMatchObject({ field: 'cursor' });
  });
});
