// The mall API's shapes (/api/v1/mall): snake_case JSON, amounts in integer cents, times in ms
// since the epoch, every list a page `{<items>, next_cursor, is_end}`.
import { Type } from 'typebox';
import { Cursor, Id, IdParam, LimitParam, WellFormedText } from '../schemas/common.js';

export const PageQuery = Type.Object({ cursor: Type.Optional(Cursor), limit: Type.Optional(LimitParam) }, { additionalProperties: false });

export const ProductsQuery = Type.Object(
  {
    category_id: Type.Optional(IdParam),
    sort: Type.Optional(Type.Union([Type.Literal('newest'), Type.Literal('price_asc'), Type.Literal('price_desc'), Type.Literal('sales')], { description: 'must be newest, price_asc, price_desc or sales' })),
    cursor: Type.Optional(Cursor),
    limit: Type.Optional(LimitParam),
  },
  { additionalProperties: false },
);

export const SearchQuery = Type.Object(
  { q: WellFormedText('1–50 characters'), cursor: Type.Optional(Cursor), limit: Type.Optional(LimitParam) },
  { additionalProperties: false },
);

export const ProductIdParams = Type.Object({ productId: IdParam }, { additionalProperties: false });
export const IdParams = Type.Object({ id: IdParam }, { additionalProperties: false });

export const Product = Type.Object({
  id: Id,
  name: Type.String(),
  subtitle: Type.String(),
  category_id: Id,
  image_urls: Type.Array(Type.String()),
  price_cents: Type.Integer({ description: 'integer cents' }),
  stock: Type.Integer(),
  sales: Type.Integer(),
  status: Type.Union([Type.Literal('on_sale'), Type.Literal('off_shelf')]),
});

const ProductWithDetail = Type.Object({ ...Product.properties, detail: Type.String(), created_at: Type.Integer() });
export const ProductDetail = Type.Object({ product: ProductWithDetail });
export const ProductWithReviews = Type.Object({
  product: ProductWithDetail,
  review_summary: Type.Object({ count: Type.Integer(), average_rating: Type.Number({ description: '0 when there is no review' }) }),
});

export const ProductPage = Type.Object({ products: Type.Array(Product), next_cursor: Type.String(), is_end: Type.Boolean() });

/** The category tree has two levels: a top-level category and its children (whose children are empty). */
const CategoryLeaf = Type.Object({ id: Id, name: Type.String(), parent_id: Type.Integer(), children: Type.Array(Type.Object({ id: Id })) });
export const Category = Type.Object({ id: Id, name: Type.String(), parent_id: Type.Integer({ description: '0 for a top-level category' }), children: Type.Array(CategoryLeaf) });
export const Categories = Type.Object({ categories: Type.Array(Category) });

export const Banner = Type.Object({ id: Id, title: Type.String(), image_url: Type.String(), link: Type.String() });

export const FlashSale = Type.Object({
  id: Id,
  product_id: Id,
  name: Type.String({ description: "the product's name when the sale was created" }),
  image_url: Type.String(),
  price_cents: Type.Integer({ description: 'the sale price, integer cents' }),
  original_price_cents: Type.Integer({ description: "the product's price when the sale was created" }),
  stock: Type.Integer({ description: 'units set aside for the sale' }),
  stock_left: Type.Integer({ description: 'units not reserved yet (0 once ended); in lists up to a second old' }),
  start_at: Type.Integer({ description: 'ms since the epoch' }),
  end_at: Type.Integer({ description: 'ms since the epoch' }),
  per_user_limit: Type.Integer({ description: 'units one buyer may reserve in this sale' }),
  status: Type.Union([Type.Literal('upcoming'), Type.Literal('running'), Type.Literal('ended')]),
  created_at: Type.Integer(),
});
export const FlashSaleReply = Type.Object({ flash_sale: FlashSale });
export const FlashSales = Type.Object({ flash_sales: Type.Array(FlashSale, { description: 'running and upcoming sales, soonest ending first' }) });

export const Home = Type.Object({
  banners: Type.Array(Banner),
  flash_sales: Type.Array(FlashSale, { description: 'the running flash sales, soonest ending first' }),
  featured: Type.Array(Product),
  ranking: Type.Array(Product),
});

export const CartItemBody = Type.Object(
  { quantity: Type.Integer({ minimum: 1, maximum: 999, description: 'must be a whole number from 1 to 999' }), checked: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export const CartItem = Type.Object({ product_id: Id, quantity: Type.Integer(), checked: Type.Boolean() });
export const Cart = Type.Object({
  items: Type.Array(Type.Object({ product: Type.Union([Product, Type.Null()], { description: 'null when the product no longer exists' }), quantity: Type.Integer(), checked: Type.Boolean() })),
  total_cents: Type.Integer({ description: 'of the checked items on sale' }),
});

const PriceCents = Type.Integer({ minimum: 1, maximum: 100_000_000, description: 'must be whole cents from 1 to 100,000,000' });
const Stock = Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'must be a whole number from 0 to 1,000,000' });
const Status = Type.Union([Type.Literal('on_sale'), Type.Literal('off_shelf')], { description: 'must be on_sale or off_shelf' });
const ImageUrls = Type.Array(Type.String({ maxLength: 512, pattern: '^(https?://|/)\\S+$', description: 'must be an http(s) URL or a path' }), { maxItems: 10 });

export const NewProduct = Type.Object(
  {
    name: WellFormedText('1–100 characters'),
    category_id: Id,
    price_cents: PriceCents,
    stock: Stock,
    subtitle: Type.Optional(WellFormedText('up to 200 characters')),
    detail: Type.Optional(WellFormedText('up to 20,000 characters')),
    image_urls: Type.Optional(ImageUrls),
  },
  { additionalProperties: false },
);

export const ProductPatch = Type.Object(
  {
    price_cents: Type.Optional(PriceCents),
    stock: Type.Optional(Stock),
    status: Type.Optional(Status),
    name: Type.Optional(WellFormedText('1–100 characters')),
    subtitle: Type.Optional(WellFormedText('up to 200 characters')),
    detail: Type.Optional(WellFormedText('up to 20,000 characters')),
    category_id: Type.Optional(Id),
  },
  { additionalProperties: false, minProperties: 1 },
);

const OneLine = (max: number) => WellFormedText(`1–${max} characters`);
export const NewAddress = Type.Object(
  {
    name: OneLine(20),
    phone: Type.String({ minLength: 5, maxLength: 20, pattern: '^[0-9 +-]+$', description: 'must be 5–20 digits, spaces, + or -' }),
    province: OneLine(20),
    city: OneLine(20),
    district: OneLine(20),
    detail: OneLine(100),
    is_default: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const AddressPatch = Type.Partial(NewAddress, { additionalProperties: false, minProperties: 1 });
export const Address = Type.Object({ id: Id, name: Type.String(), phone: Type.String(), province: Type.String(), city: Type.String(), district: Type.String(), detail: Type.String(), is_default: Type.Boolean() });
export const AddressReply = Type.Object({ address: Address });
export const Addresses = Type.Object({ addresses: Type.Array(Address) });

const OrderStatus = Type.Union([Type.Literal('unpaid'), Type.Literal('paid'), Type.Literal('shipped'), Type.Literal('completed'), Type.Literal('cancelled'), Type.Literal('refunded')], {
  description: 'must be unpaid, paid, shipped, completed, cancelled or refunded',
});
const OrderLine = Type.Object({ product_id: Id, quantity: Type.Integer({ minimum: 1, maximum: 999, description: 'must be a whole number from 1 to 999' }) }, { additionalProperties: false });
export const NewOrder = Type.Union(
  [
    Type.Object({ address_id: Id, items: Type.Array(OrderLine, { minItems: 1, maxItems: 50, description: 'must list 1–50 products' }) }, { additionalProperties: false }),
    Type.Object({ address_id: Id, from_cart: Type.Literal(true) }, { additionalProperties: false }),
  ],
  { description: 'must be {address_id, items} or {address_id, from_cart: true}' },
);
export const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[\\x21-\\x7e]+$', description: 'must be 1–64 printable ASCII characters' })) });
export const OrdersQuery = Type.Object({ status: Type.Optional(OrderStatus), cursor: Type.Optional(Cursor), limit: Type.Optional(LimitParam) }, { additionalProperties: false });
export const Order = Type.Object({
  id: Id,
  status: OrderStatus,
  items: Type.Array(Type.Object({ product_id: Id, name: Type.String(), image_url: Type.String(), price_cents: Type.Integer(), quantity: Type.Integer() })),
  total_cents: Type.Integer(),
  address: Type.Object({ name: Type.String(), phone: Type.String(), province: Type.String(), city: Type.String(), district: Type.String(), detail: Type.String() }),
  created_at: Type.Integer(),
  paid_at: Type.Union([Type.Integer(), Type.Null()], { description: 'null until paid' }),
  cancel_reason: Type.Union([Type.String(), Type.Null()], { description: '"buyer" or "timeout" when cancelled, else null' }),
});
export const OrderReply = Type.Object({ order: Order });
export const OrderPage = Type.Object({ orders: Type.Array(Order), next_cursor: Type.String(), is_end: Type.Boolean() });

export const NewReview = Type.Object(
  {
    product_id: Id,
    rating: Type.Integer({ minimum: 1, maximum: 5, description: 'must be a whole number from 1 to 5' }),
    content: WellFormedText('1–500 characters'),
    image_urls: Type.Optional(Type.Array(Type.String({ maxLength: 512, pattern: '^(https?://|/)\\S+$', description: 'must be an http(s) URL or a path' }), { maxItems: 6 })),
  },
  { additionalProperties: false },
);
const Review = Type.Object({
  id: Id,
  product_id: Id,
  rating: Type.Integer(),
  content: Type.String(),
  image_urls: Type.Array(Type.String()),
  created_at: Type.Integer(),
  user: Type.Object({ id: Id, name: Type.String(), avatar: Type.String() }),
});
export const ReviewReply = Type.Object({ review: Review });
export const ReviewPage = Type.Object({ reviews: Type.Array(Review), next_cursor: Type.String(), is_end: Type.Boolean() });

export const PayBody = Type.Object(
  { simulate: Type.Optional(Type.Literal('fail', { description: 'the simulator only: "fail" makes the payment fail' })) },
  { additionalProperties: false },
);
export const PaymentReply = Type.Object({
  payment: Type.Object({ id: Id, order_id: Id, status: Type.String({ description: 'pending, paid, failed or refunded' }), amount_cents: Type.Integer(), provider: Type.String(), created_at: Type.Integer(), paid_at: Type.Union([Type.Integer(), Type.Null()]) }),
});
export const NotifyReply = Type.Object({ accepted: Type.Boolean() });

export const NewCategory = Type.Object(
  {
    name: WellFormedText('1–20 characters'),
    parent_id: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'must be 0 (top level) or a top-level category id' })),
    sort: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000, description: 'must be a whole number from 0 to 10,000' })),
  },
  { additionalProperties: false },
);
export const CategoryReply = Type.Object({ category: Type.Object({ id: Id, name: Type.String(), parent_id: Type.Integer() }) });

/** A time in ms since the epoch: 13 digits, so seconds sent by mistake are refused, not read as 1970. */
const EpochMs = Type.Integer({ minimum: 1_000_000_000_000, maximum: 9_999_999_999_999, description: 'must be ms since the epoch (13 digits)' });
export const NewFlashSale = Type.Object(
  {
    product_id: Id,
    price_cents: PriceCents,
    stock: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'must be a whole number from 1 to 1,000,000' }),
    start_at: EpochMs,
    end_at: EpochMs,
    per_user_limit: Type.Integer({ minimum: 1, maximum: 100, description: 'must be a whole number from 1 to 100' }),
    buckets: Type.Optional(Type.Integer({ minimum: 1, maximum: 64, description: 'must be a whole number from 1 to 64 (default seckill.buckets)' })),
  },
  { additionalProperties: false },
);

export const FlashSaleParams = IdParams;
export const TicketParams = Type.Object({ id: IdParam, ticketId: IdParam }, { additionalProperties: false });
export const BuyBody = Type.Object(
  { address_id: Id, quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: "must be a whole number from 1 to 100 (at most the sale's per_user_limit)" })) },
  { additionalProperties: false },
);
export const TicketReply = Type.Object({
  ticket: Type.Object({
    id: Id,
    sale_id: Id,
    quantity: Type.Integer(),
    status: Type.Union([Type.Literal('reserved'), Type.Literal('ordered'), Type.Literal('released')], {
      description: 'reserved: the units are yours, the order is being made; ordered: order_id is your unpaid order; released: the units went back',
    }),
    order_id: Type.Union([Id, Type.Null()], { description: 'null until ordered' }),
    release_reason: Type.Union([Type.String(), Type.Null()], { description: '"no_address", "cancelled" or "timeout" when released, else null' }),
    created_at: Type.Integer(),
  }),
});
