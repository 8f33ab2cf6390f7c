// Wires the cart service: the cart model over the service's own database, the product service
// as its catalog, then one handler per RPC method, each a use case in logic/.
import type { Clock } from '#kit/clock';
import type { ServiceImpl } from '#kit/rpc';
import type { ServiceDatabase } from '#kit/store';
import { CartServiceDefinition } from '#gen/surge/cart/v1/cart';
import type { CartDeps, CartLimits } from './deps.js';
import { getCart } from './logic/get-cart.js';
import { removeItems } from './logic/remove-items.js';
import { setItem } from './logic/set-item.js';
import { createCartItemModel } from './model/items.js';
import type { CartDB } from './model/tables.js';
import type { ProductCatalog } from './products.js';

export interface CartServiceOptions {
  /** Opened with cartMigrations. */
  db: ServiceDatabase<CartDB>;
  clock: Clock;
  /** The product service: productCatalog over its client. */
  products: ProductCatalog;
  /** The `cart` configuration section (maxItems, maxQuantity). */
  limits: CartLimits;
}

export type CartService = ServiceImpl<typeof CartServiceDefinition>;

export function defineCartService(o: CartServiceOptions): CartService {
  const d: CartDeps = { items: createCartItemModel(o.db), products: o.products, clock: o.clock, limits: o.limits };
  return {
    setItem: (req, ctx) => setItem(d, req, ctx),
    removeItems: (req) => removeItems(d, req),
    getCart: (req, ctx) => getCart(d, req, ctx),
  };
}
