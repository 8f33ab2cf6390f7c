// What the mall's admins do: create categories, create and edit products, create flash sales, ship paid orders. A caller needs a token and the admin role
// (`npx surge admin grant <username>`), read fresh from the user service on every request.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requireRole } from '../../plugins/roles.js';
import { callOptions } from '../../routes/users.js';
import { errorReplies } from '../../schemas/common.js';
import type { MallDeps } from '../deps.js';
import { CategoryReply, FlashSaleReply, IdParams, NewCategory, NewFlashSale, NewProduct, OrderReply, ProductDetail, ProductPatch } from '../schemas.js';
import { flashSaleView, orderView, productDetailView } from '../views.js';

const tags = ['mall admin'];
const security = [{ bearer: [] }];

export async function adminRoutes(fastify: FastifyInstance, d: MallDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const products = d.clients.products;
  const admin = [app.authenticate, requireRole('admin', async (userId, request) => (await d.clients.users.getRoles({ userId }, callOptions(request))).roles)];

  app.post('/admin/categories', {
    schema: { tags, summary: 'Create a category (top level, or under a top-level one)', security, body: NewCategory, response: { 201: CategoryReply, ...errorReplies(400, 401, 403) } },
    preHandler: admin,
    handler: async (request, reply) => {
      const b = request.body;
      const c = await products.createCategory({ name: b.name, parentId: b.parent_id ?? 0, sort: b.sort ?? 0 }, callOptions(request));
      return reply.code(201).send({ category: { id: c.id, name: c.name, parent_id: c.parentId } });
    },
  });

  app.post('/admin/products', {
    schema: { tags, summary: 'Create a product', security, body: NewProduct, response: { 201: ProductDetail, ...errorReplies(400, 401, 403, 404) } },
    preHandler: admin,
    handler: async (request, reply) => {
      const b = request.body;
      const product = await products.createProduct(
        { name: b.name, categoryId: b.category_id, priceCents: b.price_cents, stock: b.stock, subtitle: b.subtitle ?? '', detail: b.detail ?? '', imageUrls: b.image_urls ?? [] },
        callOptions(request),
      );
      d.pages.listsChanged();
      return reply.code(201).send({ product: productDetailView(product) });
    },
  });

  app.patch('/admin/products/:id', {
    schema: { tags, summary: "Change a product's price, stock, status, name, subtitle, detail or category", security, params: IdParams, body: ProductPatch, response: { 200: ProductDetail, ...errorReplies(400, 401, 403, 404) } },
    preHandler: admin,
    handler: async (request) => {
      const b = request.body;
      const product = await products.updateProduct(
        { id: request.params.id, priceCents: b.price_cents, stock: b.stock, status: b.status, name: b.name, subtitle: b.subtitle, detail: b.detail, categoryId: b.category_id },
        callOptions(request),
      );
      d.pages.productsChanged([product.id]);
      d.pages.listsChanged();
      return { product: productDetailView(product) };
    },
  });

  app.post('/admin/flash-sales', {
    schema: {
      tags,
      summary: "Create a flash sale: stock units are taken from the product's stock at once (409 when it has fewer); start_at < end_at, at most 30 days",
      security,
      body: NewFlashSale,
      response: { 201: FlashSaleReply, ...errorReplies(400, 401, 403, 404, 409) },
    },
    preHandler: admin,
    handler: async (request, reply) => {
      const b = request.body;
      const sale = await d.clients.seckill.createSale(
        { productId: b.product_id, priceCents: b.price_cents, stock: b.stock, startAt: b.start_at, endAt: b.end_at, perUserLimit: b.per_user_limit, buckets: b.buckets ?? 0 },
        callOptions(request),
      );
      // The product's stock went to the sale; this gateway's list of sales is read anew.
      d.pages.productsChanged([sale.productId]);
      d.flash.sales.changed();
      return reply.code(201).send({ flash_sale: flashSaleView(sale, d.clock.now()) });
    },
  });

  app.post('/admin/orders/:id/ship', {
    schema: { tags, summary: 'Mark a paid order shipped', security, params: IdParams, response: { 200: OrderReply, ...errorReplies(400, 401, 403, 404, 409) } },
    preHandler: admin,
    handler: async (request) => ({ order: orderView(await d.clients.orders.shipOrder({ id: request.params.id }, callOptions(request))) }),
  });
}
