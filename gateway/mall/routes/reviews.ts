// Reviews: anyone reads a product's reviews (newest first, with each reviewer's public name and
// avatar); the buyer of a completed order reviews each of its products once.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Review } from '#gen/surge/reply/v1/reply';
import { callOptions } from '../../routes/users.js';
import { errorReplies } from '../../schemas/common.js';
import type { MallDeps } from '../deps.js';
import { IdParams, NewReview, PageQuery, ReviewPage, ReviewReply } from '../schemas.js';

const tags = ['mall reviews'];

export async function reviewRoutes(fastify: FastifyInstance, d: MallDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { reviews, users } = d.clients;

  /** Reviews as the API shows them: each with its author's public name and avatar, from one batch call. */
  const withAuthors = async (list: Review[], request: Parameters<typeof callOptions>[0]) => {
    const ids = [...new Set(list.map((r) => r.userId))];
    const found = ids.length === 0 ? [] : (await users.getUsers({ ids }, callOptions(request))).users;
    const byId = new Map(found.map((u) => [u.id, u]));
    return list.map((r) => {
      const u = byId.get(r.userId);
      return { id: r.id, product_id: r.productId, rating: r.rating, content: r.content, image_urls: r.imageUrls, created_at: r.createdAt, user: { id: r.userId, name: u?.name ?? '', avatar: u?.avatar ?? '' } };
    });
  };

  app.get('/products/:id/reviews', {
    schema: { tags, summary: "A product's reviews, newest first", params: IdParams, querystring: PageQuery, response: { 200: ReviewPage, ...errorReplies(400) } },
    handler: async (request) => {
      const page = await reviews.listReviews({ productId: request.params.id, cursor: request.query.cursor ?? '', limit: request.query.limit ?? 0 }, callOptions(request));
      return { reviews: await withAuthors(page.reviews, request), next_cursor: page.nextCursor, is_end: page.isEnd };
    },
  });

  app.post('/orders/:id/reviews', {
    schema: { tags, summary: 'Review a product of my completed order (once per product)', security: [{ bearer: [] }], params: IdParams, body: NewReview, response: { 201: ReviewReply, ...errorReplies(400, 401, 404, 409) } },
    preHandler: app.authenticate,
    handler: async (request, reply) => {
      const b = request.body;
      const review = await reviews.createReview({ userId: request.userId, orderId: request.params.id, productId: b.product_id, rating: b.rating, content: b.content, imageUrls: b.image_urls ?? [] }, callOptions(request));
      // The product's detail shows its review count and average.
      d.pages.productsChanged([review.productId]);
      const [shown] = await withAuthors([review], request);
      return reply.code(201).send({ review: shown! });
    },
  });
}
