// A signed-in user's addresses and orders: only their own (the user id is the token's; another
// user's ids are "not found"). An order is placed through the order service's saga (stock is
// reserved at the product service first), once per Idempotency-Key. Placing or cancelling an
// order drops this gateway's kept details of its products (their stock changed).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Order } from '#gen/surge/order/v1/order';
import { callOptions } from '../../routes/users.js';
import { errorReplies } from '../../schemas/common.js';
import type { MallDeps } from '../deps.js';
import { AddressPatch, AddressReply, Addresses, IdempotencyHeaders, IdParams, NewAddress, NewOrder, OrderPage, OrderReply, OrdersQuery } from '../schemas.js';
import { addressView, orderView } from '../views.js';

const tags = ['mall orders'];
const security = [{ bearer: [] }];

export async function orderRoutes(fastify: FastifyInstance, d: MallDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const orders = d.clients.orders;
  const stockChanged = (order: Order) => d.pages.productsChanged(order.items.map((i) => i.productId));

  app.get('/addresses', {
    schema: { tags, summary: 'My addresses, the default first', security, response: { 200: Addresses, ...errorReplies(401) } },
    preHandler: app.authenticate,
    handler: async (request) => ({ addresses: (await orders.listAddresses({ userId: request.userId }, callOptions(request))).addresses.map(addressView) }),
  });

  app.post('/addresses', {
    schema: { tags, summary: 'Add an address (the first one, or one with is_default, becomes the default)', security, body: NewAddress, response: { 201: AddressReply, ...errorReplies(400, 401, 429) } },
    preHandler: app.authenticate,
    handler: async (request, reply) => {
      const b = request.body;
      const address = await orders.addAddress({ userId: request.userId, name: b.name, phone: b.phone, province: b.province, city: b.city, district: b.district, detail: b.detail, isDefault: b.is_default ?? false }, callOptions(request));
      return reply.code(201).send({ address: addressView(address) });
    },
  });

  app.put('/addresses/:id', {
    schema: { tags, summary: 'Change an address (the fields given)', security, params: IdParams, body: AddressPatch, response: { 200: AddressReply, ...errorReplies(400, 401, 404) } },
    preHandler: app.authenticate,
    handler: async (request) => {
      const b = request.body;
      const address = await orders.updateAddress(
        { userId: request.userId, id: request.params.id, name: b.name, phone: b.phone, province: b.province, city: b.city, district: b.district, detail: b.detail, isDefault: b.is_default },
        callOptions(request),
      );
      return { address: addressView(address) };
    },
  });

  app.delete('/addresses/:id', {
    schema: { tags, summary: 'Delete an address', security, params: IdParams, response: { 204: { type: 'null' }, ...errorReplies(400, 401, 404) } },
    preHandler: app.authenticate,
    handler: async (request, reply) => {
      await orders.deleteAddress({ userId: request.userId, id: request.params.id }, callOptions(request));
      return reply.code(204).send(null);
    },
  });

  app.post('/orders', {
    schema: {
      tags,
      summary: 'Place an order for the items given, or for the checked items of my cart; the same Idempotency-Key gives the same order',
      security,
      headers: IdempotencyHeaders,
      body: NewOrder,
      response: { 201: OrderReply, ...errorReplies(400, 401, 404, 409, 503) },
    },
    preHandler: app.authenticate,
    handler: async (request, reply) => {
      const b = request.body;
      const fromCart = 'from_cart' in b;
      const order = await orders.createOrder(
        {
          userId: request.userId,
          addressId: b.address_id,
          items: fromCart ? [] : b.items.map((i) => ({ productId: i.product_id, quantity: i.quantity })),
          fromCart,
          idempotencyKey: request.headers['idempotency-key'] ?? '',
        },
        callOptions(request),
      );
      stockChanged(order);
      return reply.code(201).send({ order: orderView(order) });
    },
  });

  app.get('/orders', {
    schema: { tags, summary: 'My orders, newest first, of one status or all', security, querystring: OrdersQuery, response: { 200: OrderPage, ...errorReplies(400, 401) } },
    preHandler: app.authenticate,
    handler: async (request) => {
      const q = request.query;
      const page = await orders.listOrders({ userId: request.userId, status: q.status ?? '', cursor: q.cursor ?? '', limit: q.limit ?? 0 }, callOptions(request));
      return { orders: page.orders.map(orderView), next_cursor: page.nextCursor, is_end: page.isEnd };
    },
  });

  app.get('/orders/:id', {
    schema: { tags, summary: 'One of my orders', security, params: IdParams, response: { 200: OrderReply, ...errorReplies(400, 401, 404) } },
    preHandler: app.authenticate,
    handler: async (request) => ({ order: orderView(await orders.getOrder({ userId: request.userId, id: request.params.id }, callOptions(request))) }),
  });

  app.post('/orders/:id/cancel', {
    schema: { tags, summary: 'Cancel my unpaid order (its stock goes back)', security, params: IdParams, response: { 200: OrderReply, ...errorReplies(400, 401, 404, 409) } },
    preHandler: app.authenticate,
    handler: async (request) => {
      const order = await orders.cancelOrder({ userId: request.userId, id: request.params.id }, callOptions(request));
      stockChanged(order);
      return { order: orderView(order) };
    },
  });

  app.post('/orders/:id/receive', {
    schema: { tags, summary: 'Confirm that my shipped order arrived', security, params: IdParams, response: { 200: OrderReply, ...errorReplies(400, 401, 404, 409) } },
    preHandler: app.authenticate,
    handler: async (request) => ({ order: orderView(await orders.confirmReceipt({ userId: request.userId, id: request.params.id }, callOptions(request))) }),
  });
}
