// Membership: the signed-in user's own points, level and VIP, buying VIP months and reading one's
// own purchase. All act for the caller only (the token says who; no route takes a user id, and
// another user's purchase id reads as none), so nobody reads or buys another user's membership here. Profiles read others' through GetMembership in batches.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { callOptions } from '../../routes/users.js';
import { errorReplies } from '../../schemas/common.js';
import type { CommunityDeps } from '../deps.js';
import type { VipPurchase } from '#gen/surge/member/v1/member';
import { MembershipReply, NoQuery, VipBody, VipParams, VipReply } from '../member-schemas.js';

const tags = ['community membership'];

const purchaseView = (p: VipPurchase) => ({
  purchase: { id: p.id, months: p.months, amount_cents: p.amountCents, applied: p.applied },
  payment: { id: p.paymentId, status: p.status, amount_cents: p.amountCents, provider: p.provider, created_at: p.createdAt, paid_at: p.paidAt === 0 ? null : p.paidAt },
});
const security = [{ bearer: [] }];

export async function membershipRoutes(fastify: FastifyInstance, d: CommunityDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { members } = d.clients;

  app.get('/me/membership', {
    schema: { tags, summary: 'My points, level and VIP', security, querystring: NoQuery, response: { 200: MembershipReply, ...errorReplies(400, 401) } },
    preHandler: app.authenticate,
    handler: async (request) => {
      const [mine] = (await members.getMembership({ userIds: [request.userId] }, callOptions(request))).memberships;
      return { points: mine?.points ?? 0, level: mine?.level ?? 1, vip_until: mine && mine.vipUntil > 0 ? mine.vipUntil : null };
    },
  });

  app.post('/me/vip', {
    schema: { tags, summary: 'Buy VIP months: answers the purchase and the payment to pay; VIP is extended once it is paid', security, querystring: NoQuery, body: VipBody, response: { 200: VipReply, ...errorReplies(400, 401, 503) } },
    preHandler: app.authenticate,
    handler: async (request) => purchaseView(await members.buyVip({ userId: request.userId, months: request.body.months, simulate: request.body.simulate ?? '' }, callOptions(request))),
  });

  app.get('/me/vip/:id', {
    schema: { tags, summary: 'One of my VIP purchases, and where its payment stands', security, params: VipParams, querystring: NoQuery, response: { 200: VipReply, ...errorReplies(400, 401, 404, 503) } },
    preHandler: app.authenticate,
    handler: async (request) => purchaseView(await members.getVipPurchase({ userId: request.userId, id: request.params.id }, callOptions(request))),
  });
}
