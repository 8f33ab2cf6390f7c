// One cart service over a fresh database of the given kind, and the product service as this
// fixture plays it: GetProducts answered from an in-memory map, by the contract (at most 100
// ids, missing ones left out, off-shelf ones included), recording every call it served.
import { afterAll } from 'vitest';
import { ManualClock } from '#kit/clock';
import { errors } from '#kit/errors';
import type { CallContext, Client } from '#kit/rpc';
import type { ServiceDatabase } from '#kit/store';
import { contractPart, inProcessClient, testCallContext, type TestDatabaseKind } from '#kit/testing';
import type { SetItemRequest } from '#gen/surge/cart/v1/cart';
import { ProductServiceDefinition, type Product } from '#gen/surge/product/v1/product';
import { CartServiceDefinition, cartMigrations, defineCartService, GET_PRODUCTS_MAX_IDS, productCatalog, type CartDB, type CartService } from '../index.js';

/** The one method of the product contract the cart calls, under the contract's own name. */
const ProductLookupDefinition = contractPart(ProductServiceDefinition, ['getProducts']);

/**
 * A SetItem request with every field, `checked` absent unless given: the client's codec check
 * refuses a message whose absent optional field is left out rather than undefined.
 */
export const setRequest = (userId: number, productId: number, quantity: number, checked?: boolean): SetItemRequest => ({ userId, productId, quantity, checked });

/** One GetProducts call as the stand-in served it. */
export interface ProductCall {
  ids: number[];
  /** The x-request-id it carried: the cart's caller's, when the cart passed its context on. */
  requestId: string | undefined;
  deadline: number | undefined;
}

export interface CartFixtureOptions {
  /** cart.maxItems; default 100. */
  maxItems?: number;
  /** cart.maxQuantity; default 999. */
  maxQuantity?: number;
}

export interface CartFixture {
  /** A client through the in-process transport with its codec check: requests and replies are encoded as on the wire. */
  svc: Client<typeof CartServiceDefinition>;
  /** The handlers themselves, for inputs the wire cannot carry (fractions in an int64). */
  handlers: CartService;
  /** A call context as a caller's would be. */
  ctx(): CallContext;
  db: ServiceDatabase<CartDB>;
  clock: ManualClock;
  /** The products the stand-in knows, by id. */
  products: Map<number, Product>;
  /** Adds (or replaces) a product the stand-in knows: on sale at 10.00 with stock 50 unless told. */
  putProduct(id: number, fields?: Partial<Product>): Product;
  /** Every GetProducts call the stand-in served, in order. */
  productCalls: ProductCall[];
}

/**
 * For one describe block: a function opening a fresh fixture on `kind`; the kind's databases are
 * closed and dropped after the block's tests.
 */
export function cartFixturesOn(kind: TestDatabaseKind): (o?: CartFixtureOptions) => Promise<CartFixture> {
  afterAll(() => kind.cleanup());
  return (o) => openCartFixture(kind, o);
}

export async function openCartFixture(kind: TestDatabaseKind, o: CartFixtureOptions = {}): Promise<CartFixture> {
  const db = await kind.open<CartDB>('cart', cartMigrations);
  const clock = new ManualClock(Date.UTC(2025, 0, 1));
  const products = new Map<number, Product>();
  const productCalls: ProductCall[] = [];

  const productClient = inProcessClient(ProductLookupDefinition, {
    async getProducts(req, ctx) {
      productCalls.push({ ids: [...req.ids], requestId: ctx.metadata['x-request-id'], deadline: ctx.deadline });
      if (req.ids.length > GET_PRODUCTS_MAX_IDS) throw errors.invalid('ids', `at most ${GET_PRODUCTS_MAX_IDS} ids per call (got ${req.ids.length})`);
      return { products: req.ids.flatMap((id) => products.get(id) ?? []) };
    },
  });

  const handlers = defineCartService({
    db,
    clock,
    products: productCatalog(productClient),
    limits: { maxItems: o.maxItems ?? 100, maxQuantity: o.maxQuantity ?? 999 },
  });

  return {
    svc: inProcessClient(CartServiceDefinition, handlers),
    handlers,
    ctx: testCallContext,
    db,
    clock,
    products,
    productCalls,
    putProduct(id, fields = {}) {
      const product: Product = {
        id,
        name: `product ${id}`,
        subtitle: '',
        categoryId: 1,
        imageUrls: [`https://img.example/${id}.jpg`],
        priceCents: 1000,
        stock: 50,
        sales: 0,
        status: 'on_sale',
        detail: '',
        createdAt: Date.UTC(2024, 0, 1),
        ...fields,
      };
      products.set(id, product);
      return product;
    },
  };
}
