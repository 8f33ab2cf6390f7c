// Likes on anything: a signed-in user likes or unlikes a video, an article or a question; both
// are idempotent and answer the state and the count.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { callOptions } from '../../routes/users.js';
import { errorReplies } from '../../schemas/common.js';
import type { CommunityDeps } from '../deps.js';
import { LikeReply, TargetParams } from '../interaction-schemas.js';

const tags = ['community'];
const security = [{ bearer: [] }];

export async function likeRoutes(fastify: FastifyInstance, d: CommunityDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { interactions } = d.clients;

  for (const [method, like] of [['PUT', true], ['DELETE', false]] as const) {
    app.route({
      method,
      url: '/likes/:biz/:target_id',
      schema: { tags, summary: like ? 'Like a video, an article or a question' : 'Take my like back', security, params: TargetParams, response: { 200: LikeReply, ...errorReplies(400, 401, 404) } },
      preHandler: app.authenticate,
      handler: async (request) => {
        const { biz, target_id } = request.params;
        const r = await interactions.like({ userId: request.userId, biz, targetId: target_id, like }, callOptions(request));
        // Their feed shows their like flags: built anew.
        d.pages.readerChanged(request.userId);
        return { liked: r.liked, like_count: r.likeCount };
      },
    });
  }
}
