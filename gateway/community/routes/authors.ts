// Articles as the API shows them: each with its author's public name and avatar, from one batch
// call to the user service however many articles a page holds.
import type { FastifyRequest } from 'fastify';
import type { Client } from '#kit/rpc';
import type { Article } from '#gen/surge/article/v1/article';
import type { UserServiceDefinition } from '#gen/surge/user/v1/user';
import { peopleOf, type People } from './people.js';

export const authorsOf = (users: Client<typeof UserServiceDefinition>, articles: readonly Article[], request: FastifyRequest): Promise<People> =>
  peopleOf(users, articles.map((a) => a.authorId), request);
