// The people a reply shows (authors, commenters, whom they answer), each as {id, name, avatar},
// from one batch call to the user service however many a page names.
import type { FastifyRequest } from 'fastify';
import type { Client } from '#kit/rpc';
import type { UserServiceDefinition, User } from '#gen/surge/user/v1/user';
import { callOptions } from '../../routes/users.js';

export type People = ReadonlyMap<number, User>;

export async function peopleOf(users: Client<typeof UserServiceDefinition>, ids: Iterable<number>, request: FastifyRequest): Promise<People> {
  const wanted = [...new Set(ids)].filter((id) => id > 0);
  if (wanted.length === 0) return new Map();
  return new Map((await users.getUsers({ ids: wanted }, callOptions(request))).users.map((u) => [u.id, u]));
}
