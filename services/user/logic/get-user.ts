import { errors } from '#kit/errors';
import type { GetUserRequest, User } from '#gen/surge/user/v1/user';
import type { UserDeps } from '../deps.js';
import { checkId } from '../rules.js';

export async function getUser(d: UserDeps, req: GetUserRequest): Promise<User> {
  const user = await d.users.profile(checkId('id', req.id));
  if (!user) throw errors.notFound(`user ${req.id}`);
  return user;
}
