// Membership: the signed-in user's own points, level and VIP, and buying VIP months. Both act for
// the caller only (the token says who; no route takes a user id), so nobody reads or buys
// another user's membership here. Profiles read others' through GetMembership in batches.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { callOptions } from '../../routes/users.js';
import { errorReplies } from '../../schemas/common.js';
import type { CommunityDeps } from '../deps.js';
import { MembershipReply, NoQuery, VipBody, VipReply } from '../member-schemas.js';

const tags = ['community membership'];
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
    schema: { tags, summary: 'Buy VIP months: answers the payment to pay; VIP is extended once it is paid', security, querystring: NoQuery, body: VipBody, response: { 200: VipReply, ...errorReplies(400, 401, 409) } },
    preHandler: app.authenticate,
    handler: async (request) => {
      const bought = await members.buyVip({ userId: request.userId, months: request.body.months, simulate: request.body.simulate ?? '' }, callOptions(request));
      return { payment: { id: bought.paymentId, status: bought.status, amount_cents: bought.amountCents, provider: bought.provider, created_at: bought.createdAt }, months: bought.months };
    },
  });
}
