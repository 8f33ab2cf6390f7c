// The cart service as a module: carts over its own database, and the product service as the
// judge of which products exist, what they cost now and whether they are on sale.
import { defineServiceModule, type ModuleContext } from '#kit/service';
import { CartServiceDefinition } from '#gen/surge/cart/v1/cart';
import { ProductServiceDefinition } from '#gen/surge/product/v1/product';
import type { CartConfig } from './config.js';
import { cartMigrations } from './model/migrations.js';
import type { CartDB } from './model/tables.js';
import { productCatalog } from './products.js';
import { defineCartService } from './service.js';

/** The configuration section the cart service reads (./config.ts). */
export interface CartSections {
  cart: CartConfig;
}

const calls = { products: ProductServiceDefinition };

export const cartModule = defineServiceModule({
  definition: CartServiceDefinition,
  migrations: cartMigrations,
  config: ['cart'],
  calls,
  handlers: (ctx: ModuleContext<CartDB, CartSections, typeof calls>) =>
    defineCartService({ db: ctx.db, clock: ctx.clock, products: productCatalog(ctx.clients.products), limits: ctx.config.cart }),
});
