import { errors } from '#kit/errors';
import type { AuthReply, RegisterRequest } from '#gen/surge/user/v1/user';
import type { UserDeps } from '../deps.js';
import { checkNewPassword, checkNewUsername } from '../rules.js';

export async function register(d: UserDeps, req: RegisterRequest): Promise<AuthReply> {
  const username = checkNewUsername(req.username);
  const hash = await d.passwords.hash(checkNewPassword(req.password));
  const now = d.clock.now();
  const id = d.ids.next();
  // Taken also when another name has the same key ("alice" for "Alice", "ａｌｉｃｅ").
  const res = await d.users.insert({ id, username, password_hash: hash, mobile_enc: null, mobile_idx: null, name: username, avatar: '', signature: '', created_at: now });
  if (res === 'duplicate') throw errors.exists(`username ${username}`);
  return { userId: id, created: true };
}
