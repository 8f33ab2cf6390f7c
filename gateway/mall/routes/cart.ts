// A signed-in user's cart: only their own, by the token's user id.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { callOptions } from '../../routes/users.js';
import { errorReplies } from '../../schemas/common.js';
import type { MallDeps } from '../deps.js';
import { Cart, CartItem, CartItemBody, ProductIdParams } from '../schemas.js';
import { cartView } from '../views.js';

const tags = ['mall'];
const security = [{ bearer: [] }];

export async function cartRoutes(fastify: FastifyInstance, d: MallDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const carts = d.clients.carts;

  app.get('/cart', {
    schema: { tags, summary: 'My cart, with each product as it is now and the total of the checked items', security, response: { 200: Cart, ...errorReplies(401) } },
    preHandler: app.authenticate,
    handler: async (request) => cartView(await carts.getCart({ userId: request.userId, checkedOnly: false }, callOptions(request))),
  });

  app.put('/cart/items/:productId', {
    schema: { tags, summary: 'Put a product in my cart, or change its quantity or check mark', security, params: ProductIdParams, body: CartItemBody, response: { 200: CartItem, ...errorReplies(400, 401, 404, 409, 429) } },
    preHandler: app.authenticate,
    handler: async (request) => {
      const item = await carts.setItem({ userId: request.userId, productId: request.params.productId, quantity: request.body.quantity, checked: request.body.checked }, callOptions(request));
      return { product_id: item.productId, quantity: item.quantity, checked: item.checked };
    },
  });

  app.delete('/cart/items/:productId', {
    schema: { tags, summary: 'Take a product out of my cart (absent: no change)', security, params: ProductIdParams, response: { 204: { type: 'null' }, ...errorReplies(400, 401) } },
    preHandler: app.authenticate,
    handler: async (request, reply) => {
      await carts.removeItems({ userId: request.userId, productIds: [request.params.productId] }, callOptions(request));
      return reply.code(204).send(null);
    },
  });
}
