// Comments on anything, one level threaded: a signed-in user comments on a target or replies to a
// comment; anyone reads a target's comments (newest first) or a thread's replies (oldest first);
// a comment's author or the target's owner removes it (the interaction service refuses anyone
// else with 403).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { TargetComment } from '#gen/surge/interaction/v1/interaction';
import { callOptions } from '../../routes/users.js';
import { errorReplies } from '../../schemas/common.js';
import type { CommunityDeps } from '../deps.js';
import { CommentPage, CommentReply, CommentsQuery, NewComment } from '../interaction-schemas.js';
import { IdParams } from '../schemas.js';
import { commentView } from '../views.js';
import { peopleOf } from './people.js';

const tags = ['community'];
const security = [{ bearer: [] }];

export async function commentRoutes(fastify: FastifyInstance, d: CommunityDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { interactions, users } = d.clients;

  /** Comments with their writers and whom they answer, from one user-service call. */
  const shown = async (comments: readonly TargetComment[], request: FastifyRequest) => {
    const people = await peopleOf(users, comments.flatMap((c) => [c.userId, c.replyToUserId]), request);
    return comments.map((c) => commentView(c, people));
  };

  app.post('/comments', {
    schema: { tags, summary: 'Comment on a video, an article or a question, or reply to a comment', security, body: NewComment, response: { 201: CommentReply, ...errorReplies(400, 401, 404) } },
    preHandler: app.authenticate,
    handler: async (request, reply) => {
      const b = request.body;
      const comment = await interactions.addComment({ userId: request.userId, biz: b.biz, targetId: b.target_id, content: b.content, replyTo: b.reply_to ?? 0 }, callOptions(request));
      const [shownComment] = await shown([comment], request);
      return reply.code(201).send({ comment: shownComment! });
    },
  });

  app.get('/comments', {
    schema: { tags, summary: "A target's comments newest first, or (root_id) a thread's replies oldest first", querystring: CommentsQuery, response: { 200: CommentPage, ...errorReplies(400) } },
    handler: async (request) => {
      const q = request.query;
      const page = await interactions.listTargetComments({ biz: q.biz, targetId: q.target_id, rootId: q.root_id ?? 0, cursor: q.cursor ?? '', limit: q.limit ?? 0 }, callOptions(request));
      return { comments: await shown(page.comments, request), next_cursor: page.nextCursor, is_end: page.isEnd };
    },
  });

  app.delete('/comments/:id', {
    schema: { tags, summary: "Remove a comment: my own, or anyone's on what I own (a top-level one takes its replies)", security, params: IdParams, response: { 204: { type: 'null' }, ...errorReplies(400, 401, 403, 404) } },
    preHandler: app.authenticate,
    handler: async (request, reply) => {
      await interactions.removeComment({ userId: request.userId, commentId: request.params.id }, callOptions(request));
      return reply.code(204).send(null);
    },
  });
}
