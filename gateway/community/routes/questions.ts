// Questions and answers: anyone reads the lists and a question with its answers; a signed-in user
// asks, answers and votes; only a question's asker accepts one of its answers (the qa service
// refuses anyone else with 403). People are shown as {id, name, avatar} from one batch call to the
// user service per reply.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { callOptions } from '../../routes/users.js';
import { errorReplies } from '../../schemas/common.js';
import type { CommunityDeps } from '../deps.js';
import { AnswerReply, NewAnswer, NewQuestion, QuestionDetail, QuestionPage, QuestionReply, QuestionsQuery, VoteBody } from '../qa-schemas.js';
import { IdParams } from '../schemas.js';
import { answerView, questionView } from '../views.js';
import { peopleOf as people } from './people.js';
import { questionPageShown } from './question-pages.js';

const tags = ['community'];
const security = [{ bearer: [] }];

export async function questionRoutes(fastify: FastifyInstance, d: CommunityDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { questions, users } = d.clients;

  /** The people behind these ids, in one call (a reply shows at most 101: a question and its answers). */
  const peopleOf = (ids: readonly number[], request: FastifyRequest) => people(users, ids, request);

  app.post('/questions', {
    schema: { tags, summary: 'Ask a question (Markdown body, optional tags)', security, body: NewQuestion, response: { 201: QuestionReply, ...errorReplies(400, 401) } },
    preHandler: app.authenticate,
    handler: async (request, reply) => {
      const b = request.body;
      const question = await questions.askQuestion({ userId: request.userId, title: b.title, content: b.content, tags: b.tags ?? [] }, callOptions(request));
      return reply.code(201).send({ question: questionView(question, await peopleOf([question.askerId], request)) });
    },
  });

  app.get('/questions', {
    schema: { tags, summary: 'Questions newest first, by hot score, or unanswered ones newest first', querystring: QuestionsQuery, response: { 200: QuestionPage, ...errorReplies(400) } },
    handler: async (request) => {
      const q = request.query;
      return questionPageShown(users, await questions.listQuestions({ sort: q.sort ?? 'newest', cursor: q.cursor ?? '', limit: q.limit ?? 0 }, callOptions(request)), request);
    },
  });

  app.get('/questions/:id', {
    schema: {
      tags,
      summary: 'A question with its answers: the accepted one first, then by score, then the oldest',
      security: [{ bearer: [] }, {}],
      params: IdParams,
      response: { 200: QuestionDetail, ...errorReplies(400, 401, 404) },
    },
    // Signed in or not: my_vote is the caller's, 0 for a signed-out reader.
    preHandler: app.identify,
    handler: async (request) => {
      const detail = await questions.getQuestion({ id: request.params.id, viewerId: request.userId }, callOptions(request));
      const question = detail.question!;
      const people = await peopleOf([question.askerId, ...detail.answers.map((a) => a.answererId)], request);
      return { question: questionView(question, people), answers: detail.answers.map((a) => answerView(a, people)) };
    },
  });

  app.post('/questions/:id/answers', {
    schema: { tags, summary: 'Answer a question', security, params: IdParams, body: NewAnswer, response: { 201: AnswerReply, ...errorReplies(400, 401, 404) } },
    preHandler: app.authenticate,
    handler: async (request, reply) => {
      const answer = await questions.postAnswer({ userId: request.userId, questionId: request.params.id, content: request.body.content }, callOptions(request));
      return reply.code(201).send({ answer: answerView(answer, await peopleOf([answer.answererId], request)) });
    },
  });

  app.post('/answers/:id/accept', {
    schema: { tags, summary: 'Accept an answer to my question (moves the acceptance from another)', security, params: IdParams, response: { 200: QuestionReply, ...errorReplies(400, 401, 403, 404) } },
    preHandler: app.authenticate,
    handler: async (request) => {
      const question = await questions.acceptAnswer({ userId: request.userId, answerId: request.params.id }, callOptions(request));
      return { question: questionView(question, await peopleOf([question.askerId], request)) };
    },
  });

  app.put('/answers/:id/vote', {
    schema: { tags, summary: 'Vote an answer up (1) or down (-1), or take my vote back (0)', security, params: IdParams, body: VoteBody, response: { 200: AnswerReply, ...errorReplies(400, 401, 403, 404) } },
    preHandler: app.authenticate,
    handler: async (request) => {
      const answer = await questions.vote({ userId: request.userId, answerId: request.params.id, value: request.body.value }, callOptions(request));
      return { answer: answerView(answer, await peopleOf([answer.answererId], request)) };
    },
  });
}
