// A signed-in user's favorite products: only their own, by the token's user id.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { callOptions } from '../../routes/users.js';
import { errorReplies } from '../../schemas/common.js';
import type { MallDeps } from '../deps.js';
import { PageQuery, ProductIdParams, ProductPage } from '../schemas.js';
import { pageJson, sendJson } from '../views.js';

const tags = ['mall'];
const security = [{ bearer: [] }];

export async function favoriteRoutes(fastify: FastifyInstance, d: MallDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const products = d.clients.products;

  app.get('/favorites', {
    schema: { tags, summary: 'My favorite products, newest first', security, querystring: PageQuery, response: { 200: ProductPage, ...errorReplies(400, 401) } },
    preHandler: app.authenticate,
    handler: async (request, reply) => sendJson(reply, pageJson(await products.listFavorites({ userId: request.userId, cursor: request.query.cursor ?? '', limit: request.query.limit ?? 0 }, callOptions(request)))),
  });

  for (const [method, favorite] of [['PUT', true], ['DELETE', false]] as const) {
    app.route({
      method,
      url: '/favorites/:productId',
      schema: { tags, summary: favorite ? 'Add a product to my favorites (again: no change)' : 'Remove a product from my favorites (absent: no change)', security, params: ProductIdParams, response: { 204: { type: 'null' }, ...errorReplies(400, 401, 404) } },
      preHandler: app.authenticate,
      handler: async (request, reply) => {
        await products.setFavorite({ userId: request.userId, productId: request.params.productId, favorite }, callOptions(request));
        return reply.code(204).send(null);
      },
    });
  }
}
