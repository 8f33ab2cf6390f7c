import { errors } from '#kit/errors';
import type { UpdateProfileRequest, User } from '#gen/surge/user/v1/user';
import type { UserDeps } from '../deps.js';
import { checkAvatar, checkId, checkName, checkSignature } from '../rules.js';

export async function updateProfile(d: UserDeps, req: UpdateProfileRequest): Promise<User> {
  const id = checkId('id', req.id);
  const patch: { name?: string; avatar?: string; signature?: string } = {};
  if (req.name !== undefined) patch.name = checkName(req.name);
  if (req.avatar !== undefined) patch.avatar = checkAvatar(req.avatar);
  if (req.signature !== undefined) patch.signature = checkSignature(req.signature);
  if (Object.keys(patch).length > 0 && !(await d.users.updateProfile(id, patch, d.clock.now()))) throw errors.notFound(`user ${id}`);
  const user = await d.users.profile(id);
  if (!user) throw errors.notFound(`user ${id}`);
  return user;
}
