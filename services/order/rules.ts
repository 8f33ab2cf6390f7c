// Input rules of the order service. The gateway checks shapes first, but the service is also
// reachable over RPC (the pay service calls it), so it checks its own rules and names the field
// that broke one, before any work is done.
import { errors } from '#kit/errors';
import { checkId, checkText } from '#kit/rules';
import type { OrderStatus } from './model/tables.js';

export { checkId };

/** Most products one order holds. */
export const MAX_ORDER_ITEMS = 50;
/** Most of one product one order holds (the product service reserves at most this many). */
export const MAX_QUANTITY = 999;
/** Most addresses one user keeps. */
export const MAX_ADDRESSES = 20;

export const ORDER_STATUSES: readonly OrderStatus[] = ['unpaid', 'paid', 'shipped', 'completed', 'cancelled', 'refunded'];

/** The fields of an address, each with its rule (characters, trimmed). */
const ADDRESS_TEXT = { name: 20, province: 20, city: 20, district: 20, detail: 100 } as const;
export type AddressTextField = keyof typeof ADDRESS_TEXT;

export function checkAddressText(field: AddressTextField, value: string): string {
  return checkText(field, value, { max: ADDRESS_TEXT[field] });
}

const PHONE = /^[0-9+\- ]{5,20}$/;

/** A phone number as people write one: 5–20 of digits, spaces, '+' and '-', at least 5 digits. */
export function checkPhone(value: string): string {
  const phone = value.trim();
  if (!PHONE.test(phone) || phone.replace(/[^0-9]/g, '').length < 5) throw errors.invalid('phone', 'must be 5 to 20 digits, spaces, + or - (at least 5 digits)');
  return phone;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** A key a caller chose (idempotency_key, payment_id): printable ASCII, at most 64 characters; '' only when optional. */
export function checkKey(field: string, value: string, optional: boolean): string {
  if (value === '' && optional) return '';
  if (value.length === 0 || value.length > 64 || !PRINTABLE_ASCII.test(value)) throw errors.invalid(field, 'must be 1 to 64 printable ASCII characters');
  return value;
}

export interface ItemRequest {
  productId: number;
  quantity: number;
}

/** An order's lines: 1–50 distinct products, each 1–999 of it. */
export function checkItems(items: readonly ItemRequest[]): ItemRequest[] {
  if (items.length === 0) throw errors.invalid('items', 'must name at least one product (or set from_cart)');
  if (items.length > MAX_ORDER_ITEMS) throw errors.invalid('items', `at most ${MAX_ORDER_ITEMS} products per order (got ${items.length})`);
  const seen = new Set<number>();
  return items.map((item, i) => {
    const productId = checkId(`items[${i}].product_id`, item.productId);
    if (seen.has(productId)) throw errors.invalid(`items[${i}].product_id`, `product ${productId} is named twice; give its total quantity once`);
    seen.add(productId);
    const { quantity } = item;
    if (!Number.isSafeInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) throw errors.invalid(`items[${i}].quantity`, `must be an integer from 1 to ${MAX_QUANTITY}`);
    return { productId, quantity };
  });
}

/** Most tickets one CreateFlashOrders call turns into orders: one database transaction's worth. */
export const MAX_FLASH_ORDERS = 500;
/** A flash order's line: the product's name and picture as the product service bounds them, a price up to its highest. */
const FLASH_LINE = { name: 100, imageUrl: 512, priceCents: 100_000_000 } as const;
/** An http(s) URL or a path from /, as the product service accepts its pictures; '' for a product without one. */
const IMAGE_URL = /^(https?:\/\/[^\s/]+|\/(?!\/))[^\s]*$/;

/** One ticket of CreateFlashOrders, checked. */
export interface FlashOrderRequest {
  ticketId: number;
  saleId: number;
  userId: number;
  addressId: number;
  productId: number;
  name: string;
  imageUrl: string;
  priceCents: number;
  quantity: number;
  reservedAt: number;
}

function checkCount(field: string, value: number, min: number, max: number, unit = ''): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) throw errors.invalid(field, `must be an integer from ${min} to ${max.toLocaleString('en')}${unit}`);
  return value;
}

function checkImageUrl(field: string, url: string): string {
  if (url.length > FLASH_LINE.imageUrl || (url !== '' && !IMAGE_URL.test(url))) throw errors.invalid(field, `must be "" or an http(s) URL or a path from /, at most ${FLASH_LINE.imageUrl} characters`);
  return url;
}

/** A moment in ms since the epoch (a flash order's created_at, from which its payment timeout counts). */
function checkMoment(field: string, ms: number): number {
  if (!Number.isSafeInteger(ms) || ms <= 0) throw errors.invalid(field, 'must be a positive integer (ms since the epoch)');
  return ms;
}

/** CreateFlashOrders' tickets: 1–500, each field checked in order and named with its position (orders[3].quantity). */
export function checkFlashOrders(orders: readonly FlashOrderRequest[]): FlashOrderRequest[] {
  if (orders.length === 0 || orders.length > MAX_FLASH_ORDERS) throw errors.invalid('orders', `must hold 1 to ${MAX_FLASH_ORDERS} tickets (got ${orders.length})`);
  return orders.map((o, i) => {
    const field = (name: string) => `orders[${i}].${name}`;
    return {
      ticketId: checkId(field('ticket_id'), o.ticketId),
      saleId: checkId(field('sale_id'), o.saleId),
      userId: checkId(field('user_id'), o.userId),
      addressId: checkId(field('address_id'), o.addressId),
      productId: checkId(field('product_id'), o.productId),
      name: checkText(field('name'), o.name, { max: FLASH_LINE.name }),
      imageUrl: checkImageUrl(field('image_url'), o.imageUrl),
      priceCents: checkCount(field('price_cents'), o.priceCents, 1, FLASH_LINE.priceCents, ' (cents)'),
      quantity: checkCount(field('quantity'), o.quantity, 1, MAX_QUANTITY),
      reservedAt: checkMoment(field('reserved_at'), o.reservedAt),
    };
  });
}

/** ListOrders' status filter: '' (every status) or one of the statuses. */
export function checkStatusFilter(status: string): OrderStatus | undefined {
  if (status === '') return undefined;
  if (!ORDER_STATUSES.includes(status as OrderStatus)) throw errors.invalid('status', `must be "" (every status) or one of ${ORDER_STATUSES.join(', ')}`);
  return status as OrderStatus;
}

/** A payment's amount: a positive number of cents. */
export function checkAmount(amountCents: number): number {
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0) throw errors.invalid('amount_cents', 'must be a positive integer number of cents');
  return amountCents;
}
