// Input rules of the product service. The gateway checks shapes first, but the service is also
// reachable over RPC, so it checks its own rules and names the field that broke one.
import { errors } from '#kit/errors';
import { checkBranchRef } from '#kit/saga';
import { checkId, checkIds, checkLimit as checkListLimit, checkText } from '#kit/rules';
import type { ProductStatus } from './model/tables.js';
import type { ListOrder } from './model/lists.js';

export { checkId, checkIds };

export const PRICE = { min: 1, max: 100_000_000 } as const;
export const STOCK = { min: 0, max: 1_000_000 } as const;
export const QUANTITY = { min: 1, max: 999 } as const;
/** A flash sale's units moved at once (TakeStock, GiveStock): up to a product's whole stock. */
export const BULK_QUANTITY = { min: 1, max: STOCK.max } as const;
export const MAX_NAME = 100;
export const MAX_SUBTITLE = 200;
export const MAX_DETAIL = 20_000;
export const MAX_CATEGORY_NAME = 20;
export const MAX_CATEGORY_SORT = 10_000;
export const MAX_IMAGES = 10;
export const MAX_IMAGE_URL = 512;
export const MAX_QUERY = 50;
export const MAX_STOCK_ITEMS = 50;
/** GetProducts: ids per call. */
export const MAX_BATCH = 100;
/** Page sizes of every list. */
export const PAGE = { byDefault: 20, max: 50 } as const;

const ORDERS: readonly ListOrder[] = ['newest', 'price_asc', 'price_desc', 'sales'];
const STATUSES: readonly ProductStatus[] = ['on_sale', 'off_shelf'];
const IMAGE_URL = /^(https?:\/\/[^\s/]+|\/(?!\/))[^\s]*$/;

function checkInteger(field: string, v: number, min: number, max: number, unit = ''): number {
  if (!Number.isSafeInteger(v) || v < min || v > max) throw errors.invalid(field, `must be an integer from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}${unit}`);
  return v;
}

export const checkName = (v: string) => checkText('name', v, { max: MAX_NAME });
export const checkSubtitle = (v: string) => checkText('subtitle', v, { min: 0, max: MAX_SUBTITLE });
export const checkDetail = (v: string) => checkText('detail', v, { min: 0, max: MAX_DETAIL, multiline: true });
export const checkCategoryName = (v: string) => checkText('name', v, { max: MAX_CATEGORY_NAME });
export const checkSort = (v: number) => checkInteger('sort', v, 0, MAX_CATEGORY_SORT);
export const checkPrice = (v: number) => checkInteger('price_cents', v, PRICE.min, PRICE.max, ' (cents)');
export const checkStock = (v: number) => checkInteger('stock', v, STOCK.min, STOCK.max);

export function checkStatus(v: string): ProductStatus {
  if (!(STATUSES as readonly string[]).includes(v)) throw errors.invalid('status', `must be one of ${STATUSES.join(', ')}`);
  return v as ProductStatus;
}

export function checkImageUrls(urls: readonly string[]): string[] {
  if (urls.length > MAX_IMAGES) throw errors.invalid('image_urls', `at most ${MAX_IMAGES} images (got ${urls.length})`);
  for (const url of urls) {
    if (url.length === 0 || url.length > MAX_IMAGE_URL || !IMAGE_URL.test(url)) {
      throw errors.invalid('image_urls', `each must be an http(s) URL or a path from /, at most ${MAX_IMAGE_URL} characters`);
    }
  }
  return [...urls];
}

/** A category to file a product under: a positive id (whether it exists is the use case's question). */
export const checkCategoryId = (v: number) => checkId('category_id', v);

/** A parent for a new category: 0 (top level) or an id. */
export function checkParentId(v: number): number {
  if (v === 0) return 0;
  return checkId('parent_id', v);
}

/** ListProducts' category: 0 for every category, or an id. */
export function checkListCategory(v: number): number {
  if (v === 0) return 0;
  return checkId('category_id', v);
}

export function checkOrder(v: string): ListOrder {
  if (v === '') return 'newest';
  if (!(ORDERS as readonly string[]).includes(v)) throw errors.invalid('sort', `must be one of ${ORDERS.join(', ')} (or empty for newest)`);
  return v as ListOrder;
}

/** A page size: 0 = 20, above 50 counts as 50 (#kit/rules). */
export const checkLimit = (v: number) => checkListLimit(v, PAGE);

/** A search: 1–50 characters of one line. */
export const checkQuery = (v: string) => checkText('q', v, { max: MAX_QUERY });

/** Recommend's user: 0 (anonymous) or an id. */
export function checkViewer(v: number): number {
  if (v === 0) return 0;
  return checkId('user_id', v);
}

export interface CheckedItem {
  productId: number;
  quantity: number;
}

/** A saga branch's items: 1–50 distinct products, each 1–999 units. */
export function checkItems(items: readonly { productId: number; quantity: number }[]): CheckedItem[] {
  if (items.length === 0 || items.length > MAX_STOCK_ITEMS) throw errors.invalid('items', `must name 1 to ${MAX_STOCK_ITEMS} products (got ${items.length})`);
  const seen = new Set<number>();
  return items.map((item) => {
    const productId = checkId('items.product_id', item.productId);
    if (seen.has(productId)) throw errors.invalid('items.product_id', `names product ${productId} twice; give each product once with its whole quantity`);
    seen.add(productId);
    return { productId, quantity: checkInteger('items.quantity', item.quantity, QUANTITY.min, QUANTITY.max) };
  });
}

/** A stock branch's request (ReserveStock, ReleaseStock), checked: its saga branch, its user and its items. */
export function checkStockRequest(req: { gid: string; branch: string; userId: number; items: readonly { productId: number; quantity: number }[] }) {
  const ref = checkBranchRef({ gid: req.gid, branch: req.branch });
  const userId = checkId('user_id', req.userId);
  const items = checkItems(req.items);
  return { ref, userId, items, ids: items.map((i) => i.productId) };
}

/** A flash sale's bulk move (TakeStock, GiveStock), checked: its barrier key, the product, 1–1,000,000 units. */
export function checkBulkStockRequest(req: { gid: string; branch: string; productId: number; quantity: number }) {
  const ref = checkBranchRef({ gid: req.gid, branch: req.branch });
  const productId = checkId('product_id', req.productId);
  const quantity = checkInteger('quantity', req.quantity, BULK_QUANTITY.min, BULK_QUANTITY.max);
  return { ref, productId, quantity };
}
