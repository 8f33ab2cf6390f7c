// The mall API's objects, from the services' messages: snake_case, as docs/api/mall.md gives them.
import fastJson from 'fast-json-stringify';
import { createJsonFragments } from '#kit/json';
import type { Banner, Category, Product } from '#gen/surge/product/v1/product';
import type { ReviewSummary } from '#gen/surge/reply/v1/reply';
import type { Cart } from '#gen/surge/cart/v1/cart';
import type { Address, Order } from '#gen/surge/order/v1/order';
import type { FlashSale, Ticket } from '#gen/surge/seckill/v1/seckill';
import { saleStatus } from './flash/window.js';
import { Product as ProductSchema, ProductWithReviews } from './schemas.js';

/** Product and the cart's CartProduct carry the same fields. */
export const productView = (p: Omit<Product, 'detail' | 'createdAt'>) => ({
  id: p.id,
  name: p.name,
  subtitle: p.subtitle,
  category_id: p.categoryId,
  image_urls: p.imageUrls,
  price_cents: p.priceCents,
  stock: p.stock,
  sales: p.sales,
  // The product service writes no other status (its rules refuse any other).
  status: p.status as 'on_sale' | 'off_shelf',
});

// Object.assign, not a spread: spreading a fresh view costs microseconds (measured), this nanoseconds.
export const productDetailView = (p: Product) => Object.assign(productView(p), { detail: p.detail, created_at: p.createdAt });

const productWithReviews = fastJson(ProductWithReviews);

/** A product's detail with its reviews' count and average, as the JSON bytes of ProductWithReviews. */
export const detailJson = (p: Product, summary: ReviewSummary | undefined): Buffer =>
  Buffer.from(productWithReviews({ product: productDetailView(p), review_summary: { count: summary?.count ?? 0, average_rating: summary?.averageRating ?? 0 } }));

/** Each product's JSON, kept while the service's cached row lives (a page of them is joined, not serialized). */
const productJson = createJsonFragments(ProductSchema, productView);
const PAGE_OPEN = Buffer.from('{"products":');

/** A page of products as the JSON bytes of ProductPage. */
export const pageJson = (page: { products: Product[]; nextCursor: string; isEnd: boolean }): Buffer =>
  productJson.array(page.products, PAGE_OPEN, Buffer.from(`,"next_cursor":${JSON.stringify(page.nextCursor)},"is_end":${page.isEnd}}`));

export { sendJson } from '../send-json.js';

interface CategoryJson {
  id: number;
  name: string;
  parent_id: number;
  children: CategoryJson[];
}

export const categoryView = (c: Category): CategoryJson => ({ id: c.id, name: c.name, parent_id: c.parentId, children: c.children.map(categoryView) });

export const bannerView = (b: Banner) => ({ id: b.id, title: b.title, image_url: b.imageUrl, link: b.link });

export const cartView = (cart: Cart) => ({
  items: cart.lines.map((line) => ({ product: line.product ? productView(line.product) : null, quantity: line.item!.quantity, checked: line.item!.checked })),
  total_cents: cart.totalCents,
});

export const addressView = (a: Address) => ({ id: a.id, name: a.name, phone: a.phone, province: a.province, city: a.city, district: a.district, detail: a.detail, is_default: a.isDefault });

export const orderView = (o: Order) => ({
  id: o.id,
  // The order service writes no other status.
  status: o.status as 'unpaid' | 'paid' | 'shipped' | 'completed' | 'cancelled' | 'refunded',
  items: o.items.map((i) => ({ product_id: i.productId, name: i.name, image_url: i.imageUrl, price_cents: i.priceCents, quantity: i.quantity })),
  total_cents: o.totalCents,
  address: { name: o.address?.name ?? '', phone: o.address?.phone ?? '', province: o.address?.province ?? '', city: o.address?.city ?? '', district: o.address?.district ?? '', detail: o.address?.detail ?? '' },
  created_at: o.createdAt,
  paid_at: o.paidAt === 0 ? null : o.paidAt,
  cancel_reason: o.cancelReason === '' ? null : o.cancelReason,
});

/**
 * A flash sale, its status read against `now` (this gateway's clock, as the buy path reads the
 * window), so a copy up to a second old still says "running" from the start's millisecond.
 */
export const flashSaleView = (sale: FlashSale, now: number) => ({
  id: sale.id,
  product_id: sale.productId,
  name: sale.name,
  image_url: sale.imageUrl,
  price_cents: sale.priceCents,
  original_price_cents: sale.originalPriceCents,
  stock: sale.stock,
  stock_left: sale.stockLeft,
  start_at: sale.startAt,
  end_at: sale.endAt,
  per_user_limit: sale.perUserLimit,
  status: saleStatus(sale, now),
  created_at: sale.createdAt,
});

export const ticketView = (t: Ticket) => ({
  id: t.id,
  sale_id: t.saleId,
  quantity: t.quantity,
  // The seckill service writes no other status.
  status: t.status as 'reserved' | 'ordered' | 'released',
  order_id: t.orderId === 0 ? null : t.orderId,
  release_reason: t.releaseReason === '' ? null : t.releaseReason,
  created_at: t.createdAt,
});
