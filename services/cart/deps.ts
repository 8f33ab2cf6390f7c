// What the cart service's use cases need, passed in by service.ts. Interfaces only: no driver,
// adapter or configuration type reaches logic/.
import type { Clock } from '#kit/clock';
import type { CartItemModel } from './model/items.js';
import type { ProductCatalog } from './products.js';

/** The cart's bounds (the `cart` configuration section). */
export interface CartLimits {
  /** Distinct products one cart holds. */
  readonly maxItems: number;
  /** The largest quantity of one product. */
  readonly maxQuantity: number;
}

export interface CartDeps {
  readonly items: CartItemModel;
  /** The product service, called with the caller's deadline. */
  readonly products: ProductCatalog;
  readonly clock: Clock;
  readonly limits: CartLimits;
}
