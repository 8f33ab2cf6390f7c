// The mall API under /api/v1/mall (docs/api/mall.md): the catalog for anyone; favorites, the cart,
// addresses and orders for a signed-in user, each user seeing only their own; admin routes.
import type { FastifyInstance } from 'fastify';
import type { MallDeps } from './deps.js';
import { adminRoutes } from './routes/admin.js';
import { cartRoutes } from './routes/cart.js';
import { catalogRoutes } from './routes/catalog.js';
import { demoImageRoutes } from './routes/demo-images.js';
import { favoriteRoutes } from './routes/favorites.js';
import { orderRoutes } from './routes/orders.js';
import { payRoutes } from './routes/pay.js';
import { reviewRoutes } from './routes/reviews.js';

export { mallCalls } from './calls.js';
export type { MallDeps, MallSettings } from './deps.js';
export { createCatalogPages } from './pages.js';

export const MALL_PREFIX = '/api/v1/mall';

export async function mallRoutes(app: FastifyInstance, d: MallDeps): Promise<void> {
  await app.register(
    async (scope) => {
      for (const routes of [catalogRoutes, favoriteRoutes, cartRoutes, orderRoutes, payRoutes, reviewRoutes, adminRoutes, demoImageRoutes]) await routes(scope, d);
    },
    { prefix: MALL_PREFIX },
  );
}
