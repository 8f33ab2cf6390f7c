export { defineCartService, type CartService, type CartServiceOptions } from './service.js';
export type { CartLimits } from './deps.js';
export { cartMigrations } from './model/migrations.js';
export type { CartDB } from './model/tables.js';
export { productCatalog, GET_PRODUCTS_MAX_IDS, ON_SALE, type ProductCatalog } from './products.js';
export { MAX_REMOVE_IDS } from './rules.js';
export { CART_ITEMS_CEILING, CART_QUANTITY_CEILING, type CartConfig } from './config.js';
export { CartServiceDefinition } from '#gen/surge/cart/v1/cart';
export { cartModule, type CartSections } from './module.js';
