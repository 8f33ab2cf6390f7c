// The cart service's configuration section (`cart`). Schema only: every process loads it.
import type { Static } from 'typebox';
import { settings } from '#kit/service';

/**
 * The most products a cart can ever hold, whatever `maxItems` says: GetCart reads a whole cart
 * in one query and asks the product service about it in one batch (five GetProducts calls of 100
 * at most), so the bound keeps that work small.
 */
export const CART_ITEMS_CEILING = 500;

/**
 * The most of one product a line may hold, whatever `maxQuantity` says: the product service
 * reserves at most 999 of a product per order (StockItem.quantity), so a larger line could never
 * be ordered.
 */
export const CART_QUANTITY_CEILING = 999;

export const cartConfig = settings.section({
  /** Distinct products one cart holds; SetItem refuses one more (RateLimited naming product_id). */
  maxItems: settings.int(100, 1, CART_ITEMS_CEILING),
  /** The largest quantity of one product in a cart (SetItem's quantity is 1 .. this). */
  maxQuantity: settings.int(999, 1, CART_QUANTITY_CEILING),
});

export type CartConfig = Static<typeof cartConfig>;
