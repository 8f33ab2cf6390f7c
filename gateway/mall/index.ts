// The mall API under /api/v1/mall (docs/api/mall.md): the catalog and the flash sales for anyone;
// favorites, the cart, addresses, orders and flash-sale buys for a signed-in user, each user seeing
// only their own; admin routes.
import type { FastifyInstance } from 'fastify';
import type { MallDeps } from './deps.js';
import { adminRoutes } from './routes/admin.js';
import { cartRoutes } from './routes/cart.js';
import { catalogRoutes } from './routes/catalog.js';
import { demoImageRoutes } from './routes/demo-images.js';
import { favoriteRoutes } from './routes/favorites.js';
import { flashSaleRoutes } from './routes/flash-sales.js';
import { orderRoutes } from './routes/orders.js';
import { payRoutes } from './routes/pay.js';
import { reviewRoutes } from './routes/reviews.js';

export { mallCalls } from './calls.js';
export type { MallDeps, MallSettings } from './deps.js';
export { createCatalogPages } from './pages.js';
export { createFlashSales, SOLD_OUT_SUBJECT, type FlashSaleSettings } from './flash/index.js';

export const MALL_PREFIX = '/api/v1/mall';

export async function mallRoutes(app: FastifyInstance, d: MallDeps): Promise<void> {
  app.addHook('onClose', async () => d.flash.close());
  await app.register(
    async (scope) => {
      for (const routes of [catalogRoutes, favoriteRoutes, cartRoutes, orderRoutes, payRoutes, reviewRoutes, flashSaleRoutes, adminRoutes, demoImageRoutes]) await routes(scope, d);
    },
    { prefix: MALL_PREFIX },
  );
}
