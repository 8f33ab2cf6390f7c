// Articles as the API shows them: each with its author's public name and avatar, from one batch
// call to the user service however many articles a page holds.
import type { FastifyRequest } from 'fastify';
import type { Client } from '#kit/rpc';
import type { Article } from '#gen/surge/article/v1/article';
import type { UserServiceDefinition, User } from '#gen/surge/user/v1/user';
import { callOptions } from '../../routes/users.js';

export async function authorsOf(users: Client<typeof UserServiceDefinition>, articles: readonly Article[], request: FastifyRequest): Promise<Map<number, User>> {
  const ids = [...new Set(articles.map((a) => a.authorId))];
  if (ids.length === 0) return new Map();
  return new Map((await users.getUsers({ ids }, callOptions(request))).users.map((u) => [u.id, u]));
}
