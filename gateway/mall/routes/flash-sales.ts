// Flash sales (issue 14, docs/api/mall.md "Flash sales"): the running and upcoming sales for
// anyone; a signed-in buyer's buy, answered at once with a ticket, and their tickets only (another
// user's ticket is "not found"). The buy path refuses what it can here, without an RPC (flash/):
// the token, then the user's buys per second, the sale's window, the sold-out flag, then Buy.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errors, SurgeError } from '#kit/errors';
import { sendError } from '../../plugins/errors.js';
import { jsonBodyReader } from '../../plugins/json-body.js';
import { compileBodyCheck } from '../../plugins/validation.js';
import { callOptions } from '../../routes/users.js';
import { errorReplies, ID_DIGITS } from '../../schemas/common.js';
import type { MallDeps } from '../deps.js';
import { buyLane } from '../flash/buy-lane.js';
import { buyUnder, saleStatus, type SoldOutPass } from '../flash/index.js';
import { BuyBody, FlashSaleParams, FlashSaleReply, FlashSales, TicketParams, TicketReply } from '../schemas.js';
import { flashSaleView, ticketView } from '../views.js';

const tags = ['mall flash sales'];
const ID = new RegExp(`^${ID_DIGITS}$`);

/** A path's sale id as validation will read it, or undefined for anything it will refuse. */
const saleIdOf = (raw: string | undefined): number | undefined => {
  if (raw === undefined || !ID.test(raw)) return undefined;
  const id = Number(raw);
  return id <= Number.MAX_SAFE_INTEGER ? id : undefined;
};
const security = [{ bearer: [] }];

export async function flashSaleRoutes(fastify: FastifyInstance, d: MallDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const seckill = d.clients.seckill;
  const { sales, gate } = d.flash;

  app.get('/flash-sales', {
    schema: { tags, summary: 'The running and upcoming flash sales, soonest ending first (stock_left up to a second old)', response: { 200: FlashSales, ...errorReplies(503) } },
    handler: async () => {
      const now = d.clock.now();
      // The copy may hold a sale that ended since it was read.
      const listed = (await sales.fresh()).filter((sale) => saleStatus(sale, now) !== 'ended');
      return { flash_sales: listed.map((sale) => flashSaleView(sale, now)) };
    },
  });

  app.get('/flash-sales/:id', {
    schema: { tags, summary: 'One flash sale (an ended one too), its stock_left as it is now', params: FlashSaleParams, response: { 200: FlashSaleReply, ...errorReplies(400, 404) } },
    handler: async (request) => ({ flash_sale: flashSaleView(await seckill.getSale({ id: request.params.id }, callOptions(request)), d.clock.now()) }),
  });

  // The buy's local checks run as soon as the request is routed (onRequest, after the token),
  // before its body is read and validated: a refusal (429, 403, 409 sold out) costs no JSON parse,
  // which is most of what a flood after the sell-out costs. A buy let through still has its body
  // validated (400) before Buy; a check-again pass left unsettled then expires (flash/sold-out.ts).
  const passes = new WeakMap<FastifyRequest, SoldOutPass>();
  async function enterGate(request: FastifyRequest, reply: FastifyReply) {
    const saleId = saleIdOf((request.params as { id?: string }).id);
    // Not an id: validation answers 400 naming it.
    if (saleId === undefined) return;
    const entry = await gate.enter(request.userId, saleId);
    if (entry instanceof SurgeError) return sendError(reply, entry);
    passes.set(request, entry);
  }

  // The same route ahead of Fastify for the requests it can answer alike (flash/buy-lane.ts).
  d.lanes.add(buyLane({ prefix: fastify.prefix, callers: d.callers, gate, readJson: jsonBodyReader(fastify), checkBody: compileBodyCheck(BuyBody), buy: (request, options) => seckill.buy(request, options) }));

  app.post('/flash-sales/:id/buy', {
    schema: {
      tags,
      summary: 'Reserve units of a flash sale: answered at once with a ticket (reserved); poll the ticket until it is ordered',
      security,
      params: FlashSaleParams,
      body: BuyBody,
      response: { 202: TicketReply, ...errorReplies(400, 401, 403, 404, 409, 429, 503) },
    },
    onRequest: [app.authenticate, enterGate],
    handler: async (request, reply) => {
      const pass = passes.get(request);
      if (pass === undefined) throw errors.internal(new Error('the buy gate did not run before the handler'));
      const ticket = await buyUnder(pass, () => seckill.buy({ saleId: request.params.id, userId: request.userId, addressId: request.body.address_id, quantity: request.body.quantity ?? 1 }, callOptions(request)));
      return reply.code(202).send({ ticket: ticketView(ticket) });
    },
  });

  app.get('/flash-sales/:id/tickets/:ticketId', {
    schema: { tags, summary: "One of my tickets: reserved, ordered (with its order_id) or released; another user's is 404", security, params: TicketParams, response: { 200: TicketReply, ...errorReplies(400, 401, 404) } },
    preHandler: app.authenticate,
    handler: async (request) => {
      const ticket = await seckill.getTicket({ saleId: request.params.id, userId: request.userId, id: request.params.ticketId }, callOptions(request));
      // The service answers by the ticket's id and owner; a ticket of another sale is not at this URL.
      if (ticket.saleId !== request.params.id) throw errors.notFound('ticket');
      return { ticket: ticketView(ticket) };
    },
  });
}
