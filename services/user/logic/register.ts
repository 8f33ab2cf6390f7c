import { errors } from '#kit/errors';
import type { AuthReply, RegisterRequest } from '#gen/surge/user/v1/user';
import type { UserDeps } from '../deps.js';
import { checkPassword, checkUsername } from '../rules.js';

export async function register(d: UserDeps, req: RegisterRequest): Promise<AuthReply> {
  const username = checkUsername(req.username);
  const hash = await d.passwords.hash(checkPassword(req.password));
  const now = d.clock.now();
  const id = d.ids.next();
  const res = await d.users.insert({ id, username, password_hash: hash, mobile_enc: null, mobile_idx: null, name: username, avatar: '', signature: '', created_at: now });
  if (res === 'duplicate') throw errors.exists(`username ${username}`);
  return { userId: id, created: true };
}
