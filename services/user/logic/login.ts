import { Code, SurgeError } from '#kit/errors';
import type { AuthReply, LoginRequest } from '#gen/surge/user/v1/user';
import type { UserDeps } from '../deps.js';
import { checkPassword, checkUsername } from '../rules.js';

export async function login(d: UserDeps, req: LoginRequest): Promise<AuthReply> {
  const username = checkUsername(req.username);
  const password = checkPassword(req.password);
  const found = await d.users.findCredentials(username);
  // An unknown username is checked against a decoy hash, so both failures take the same
  // time and a caller cannot tell which usernames exist.
  const stored = found?.password_hash ?? (await d.decoyHash());
  const ok = await d.passwords.verify(password, stored);
  if (!found || !found.password_hash || !ok) throw new SurgeError(Code.Unauthenticated, 'wrong username or password');
  return { userId: Number(found.id), created: false };
}
